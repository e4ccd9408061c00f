using FleetTwins.Persistence.Journal;
using FleetTwins.Persistence.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace FleetTwins.Postgres.Journal;

/// <summary>
/// Deletes journal records older than <see cref="JournalOptions.Retention"/> that a snapshot holds, in batches of
/// <see cref="JournalOptions.DeleteBatchSize"/>, every <see cref="JournalOptions.RetentionPeriod"/>; a record no
/// snapshot covers stays, however old. Archived snapshots older than the retention go too, but for each twin's newest
/// such one. One silo of the cluster does it at a time (an advisory lock).
/// </summary>
public sealed class JournalRetention(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster, IOptions<JournalOptions> options,
    TimeProvider clock, ILogger<JournalRetention> logger) : JournalRetentionService(options, clock, logger)
{
    /// <summary>Serialises retention across silos; an arbitrary constant private to FleetTwins.</summary>
    private const long AdvisoryLockKey = 0x466C_6565_744A_726E;

    private const string DeleteSql = """
        DELETE FROM fleettwins_journal WHERE ctid = ANY(ARRAY(
            SELECT j.ctid FROM fleettwins_journal j
            JOIN fleettwins_journal_covered c ON c.service_id = j.service_id AND c.twin_id = j.twin_id
            WHERE j.service_id = $1 AND j.at < $2 AND j.sequence <= c.sequence
            LIMIT $3))
        """;

    // Archived snapshots older than the retention, but for the newest of them per twin (the base of the oldest records).
    private const string DeleteArchiveSql = """
        DELETE FROM fleettwins_snapshot_archive WHERE ctid = ANY(ARRAY(
            SELECT a.ctid FROM fleettwins_snapshot_archive a
            WHERE a.service_id = $1 AND a.at < $2 AND EXISTS (SELECT 1 FROM fleettwins_snapshot_archive b
                WHERE b.service_id = a.service_id AND b.twin_id = a.twin_id AND b.at < $2 AND b.version > a.version)
            LIMIT $3))
        """;

    protected override bool IsTransient(Exception failure) => failure is NpgsqlException or TimeoutException;

    /// <summary>Deletes what may go, batch by batch, while this silo holds the lock; answers how many journal records went.</summary>
    public override async Task<long> TrimAsync(CancellationToken cancellationToken)
    {
        var before = Cutoff.UtcDateTime;
        long total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var locked = new NpgsqlCommand($"SELECT pg_try_advisory_xact_lock({AdvisoryLockKey})", connection, transaction))
            {
                if (await locked.ExecuteScalarAsync(cancellationToken) is not true)
                {
                    return total; // another silo is at it
                }
            }

            var deleted = new long[2];
            foreach (var (sql, i) in new[] { (DeleteSql, 0), (DeleteArchiveSql, 1) })
            {
                await using var delete = new NpgsqlCommand(sql, connection, transaction);
                delete.Parameters.Add(new NpgsqlParameter { Value = cluster.Value.ServiceId });
                delete.Parameters.Add(new NpgsqlParameter { Value = before });
                delete.Parameters.Add(new NpgsqlParameter { Value = Options.DeleteBatchSize });
                deleted[i] = await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            total += deleted[0];
            if (deleted.Max() < Options.DeleteBatchSize)
            {
                return total;
            }
        }

        return total;
    }
}
