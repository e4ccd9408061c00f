using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Storage;
using FleetTwins.Postgres.Options;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;

namespace FleetTwins.Postgres.Journal;

/// <summary>
/// The twins' journal on PostgreSQL (table <c>fleettwins_journal</c>, deploy/sql/007): appends that arrive while a
/// statement runs go together in the next one — one <c>unnest</c> insert and one commit for many twins — and each
/// append completes only after that commit. A (twin, sequence) another record holds makes that append alone fail.
/// Reads of activating twins and the covered marks of snapshots are grouped the same way.
/// </summary>
public sealed class PostgresTwinJournal : ITwinJournal, IAsyncDisposable
{
    private const string AppendSql = """
        INSERT INTO fleettwins_journal (service_id, twin_id, sequence, at, delivery_id, record)
        SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::timestamptz[], $5::text[], $6::bytea[])
        ON CONFLICT DO NOTHING
        RETURNING twin_id, sequence
        """;

    private const string ExistingSql = """
        SELECT i.twin_id, i.sequence, j.delivery_id, j.record
        FROM unnest($2::text[], $3::bigint[]) AS i(twin_id, sequence)
        CROSS JOIN LATERAL (SELECT delivery_id, record FROM fleettwins_journal
            WHERE service_id = $1 AND twin_id = i.twin_id AND sequence = i.sequence) j
        """;

    // LATERAL: an index range scan per twin (a plain join may scan the whole journal, as PostgresGrainStorage found).
    private const string ReadSql = """
        SELECT i.n, j.sequence, j.at, j.delivery_id, j.record
        FROM unnest($2::text[], $3::bigint[]) WITH ORDINALITY AS i(twin_id, after, n)
        CROSS JOIN LATERAL (SELECT sequence, at, delivery_id, record FROM fleettwins_journal
            WHERE service_id = $1 AND twin_id = i.twin_id AND sequence > i.after ORDER BY sequence) j
        ORDER BY i.n, j.sequence
        """;

    private const string CoveredSql = """
        INSERT INTO fleettwins_journal_covered (service_id, twin_id, sequence)
        SELECT $1, i.twin_id, max(i.sequence) FROM unnest($2::text[], $3::bigint[]) AS i(twin_id, sequence) GROUP BY i.twin_id
        ON CONFLICT (service_id, twin_id) DO UPDATE SET sequence = GREATEST(fleettwins_journal_covered.sequence, EXCLUDED.sequence)
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly string serviceId;
    private readonly Batcher<JournalEntry, bool> appends;
    private readonly Batcher<(string TwinId, long After), List<JournalEntry>> reads;
    private readonly Batcher<(string TwinId, long Sequence), bool> covers;

    public PostgresTwinJournal(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster, PostgresJournalOptions options)
    {
        this.dataSource = dataSource;
        serviceId = cluster.Value.ServiceId;
        appends = new Batcher<JournalEntry, bool>(AppendBatchAsync, options.MaxBatchSize, options.MaxConcurrentBatches);
        reads = new Batcher<(string, long), List<JournalEntry>>(ReadBatchAsync, options.MaxBatchSize, options.MaxConcurrentBatches);
        covers = new Batcher<(string, long), bool>(CoverBatchAsync, options.MaxBatchSize, 1);
    }

    public async Task AppendAsync(JournalEntry entry)
    {
        if (!await appends.RunAsync(entry))
        {
            throw new JournalConflictException($"{entry.TwinId} has another record at {entry.Sequence}");
        }
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(string twinId, long afterSequence) => await reads.RunAsync((twinId, afterSequence));

    public Task CoveredAsync(string twinId, long sequence) => covers.RunAsync((twinId, sequence));

    public async ValueTask DisposeAsync()
    {
        await appends.DisposeAsync();
        await reads.DisposeAsync();
        await covers.DisposeAsync();
    }

    /// <summary>Inserts the batch; a request missing from what came back lost its sequence, unless the same record holds it.</summary>
    private async Task<bool[]> AppendBatchAsync(IReadOnlyList<JournalEntry> batch)
    {
        var written = new HashSet<(string, long)>();
        await using (var command = dataSource.CreateCommand(AppendSql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
            command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(e => e.TwinId).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(e => e.Sequence).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(e => e.At.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(e => e.DeliveryId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(e => e.Record).ToArray() });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                written.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        var results = batch.Select(e => written.Contains((e.TwinId, e.Sequence))).ToArray();
        if (results.All(r => r))
        {
            return results;
        }

        // Rare: a sequence was taken. The same record again (a retried append) counts as written.
        var lost = Enumerable.Range(0, batch.Count).Where(i => !results[i]).ToList();
        await using var existing = dataSource.CreateCommand(ExistingSql);
        existing.Parameters.Add(new NpgsqlParameter { Value = serviceId });
        existing.Parameters.Add(new NpgsqlParameter { Value = lost.Select(i => batch[i].TwinId).ToArray() });
        existing.Parameters.Add(new NpgsqlParameter { Value = lost.Select(i => batch[i].Sequence).ToArray() });
        var held = new Dictionary<(string, long), (string? DeliveryId, byte[] Record)>();
        await using (var reader = await existing.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                held[(reader.GetString(0), reader.GetInt64(1))] = (reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetFieldValue<byte[]>(3));
            }
        }

        foreach (var i in lost)
        {
            results[i] = held.TryGetValue((batch[i].TwinId, batch[i].Sequence), out var record)
                && record.DeliveryId == batch[i].DeliveryId && record.Record.AsSpan().SequenceEqual(batch[i].Record);
        }

        return results;
    }

    private async Task<List<JournalEntry>[]> ReadBatchAsync(IReadOnlyList<(string TwinId, long After)> batch)
    {
        var found = batch.Select(_ => new List<JournalEntry>()).ToArray();
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(r => r.TwinId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(r => r.After).ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var n = (int)reader.GetInt64(0) - 1;
            found[n].Add(new JournalEntry(batch[n].TwinId, reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<byte[]>(4)));
        }

        return found;
    }

    private async Task<bool[]> CoverBatchAsync(IReadOnlyList<(string TwinId, long Sequence)> batch)
    {
        await using var command = dataSource.CreateCommand(CoveredSql);
        command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(r => r.TwinId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(r => r.Sequence).ToArray() });
        await command.ExecuteNonQueryAsync();
        return [.. batch.Select(_ => true)];
    }
}
