using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Storage;
using FleetTwins.Postgres.Options;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;

namespace FleetTwins.Postgres.Journal;

/// <summary>
/// The twins' snapshot archive on PostgreSQL (table <c>fleettwins_snapshot_archive</c>, deploy/sql/009): snapshots that
/// arrive while a statement runs go together in one <c>unnest</c> insert and one commit; a (twin, version) already kept
/// is a retried write. Trimmed by <see cref="JournalRetention"/>.
/// </summary>
public sealed class PostgresTwinSnapshotArchive : ITwinSnapshotArchive, IAsyncDisposable
{
    private const string ArchiveSql = """
        INSERT INTO fleettwins_snapshot_archive (service_id, twin_id, version, sequence, at, state)
        SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::timestamptz[], $6::bytea[])
        ON CONFLICT DO NOTHING
        """;

    private const string NewestSql = """
        SELECT version, sequence, at, state FROM fleettwins_snapshot_archive
        WHERE service_id = $1 AND twin_id = $2 AND at <= $3 ORDER BY at DESC, version DESC LIMIT 1
        """;

    private const string OldestSql = """
        SELECT version, sequence, at, state FROM fleettwins_snapshot_archive
        WHERE service_id = $1 AND twin_id = $2 ORDER BY at, version LIMIT 1
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly string serviceId;
    private readonly Batcher<ArchivedSnapshot, bool> archives;

    public PostgresTwinSnapshotArchive(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster, PostgresJournalOptions options)
    {
        this.dataSource = dataSource;
        serviceId = cluster.Value.ServiceId;
        archives = new Batcher<ArchivedSnapshot, bool>(ArchiveBatchAsync, options.MaxBatchSize, options.MaxConcurrentBatches);
    }

    public Task ArchiveAsync(ArchivedSnapshot snapshot) => archives.RunAsync(snapshot);

    public async Task<ArchivedSnapshot?> FindAsync(string twinId, DateTimeOffset? at)
    {
        await using var command = dataSource.CreateCommand(at is null ? OldestSql : NewestSql);
        command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = twinId });
        if (at is { } moment)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = moment.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }

        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new ArchivedSnapshot(twinId, reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<byte[]>(3))
            : null;
    }

    public ValueTask DisposeAsync() => archives.DisposeAsync();

    private async Task<bool[]> ArchiveBatchAsync(IReadOnlyList<ArchivedSnapshot> batch)
    {
        await using var command = dataSource.CreateCommand(ArchiveSql);
        command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(s => s.TwinId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(s => s.Version).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(s => s.Sequence).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(s => s.At.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(s => s.State).ToArray() });
        await command.ExecuteNonQueryAsync();
        return [.. batch.Select(_ => true)];
    }
}
