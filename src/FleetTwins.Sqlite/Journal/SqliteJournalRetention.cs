using FleetTwins.Persistence.Journal;
using FleetTwins.Persistence.Options;
using FleetTwins.Sqlite.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FleetTwins.Sqlite.Journal;

/// <summary>
/// Deletes journal records older than <see cref="JournalOptions.Retention"/> that a snapshot holds, in batches of
/// <see cref="JournalOptions.DeleteBatchSize"/> (each a transaction of the writer, so deliveries keep flowing between
/// them), every <see cref="JournalOptions.RetentionPeriod"/>; a record no snapshot covers stays, however old.
/// </summary>
public sealed class SqliteJournalRetention(SqliteDatabase database, IOptions<JournalOptions> options, TimeProvider clock,
    ILogger<SqliteJournalRetention> logger) : JournalRetentionService(options, clock, logger)
{
    private const string DeleteSql = """
        DELETE FROM journal WHERE rowid IN (
            SELECT j.rowid FROM journal j JOIN journal_covered c ON c.twin_id = j.twin_id
            WHERE j.at < $p0 AND j.sequence <= c.sequence
            LIMIT $p1)
        """;

    // Archived snapshots older than the retention, but for the newest of them per twin (the base of the oldest records).
    private const string DeleteArchiveSql = """
        DELETE FROM snapshot_archive WHERE rowid IN (
            SELECT a.rowid FROM snapshot_archive a
            WHERE a.at < $p0 AND EXISTS (SELECT 1 FROM snapshot_archive b
                WHERE b.twin_id = a.twin_id AND b.at < $p0 AND b.version > a.version)
            LIMIT $p1)
        """;

    protected override bool IsTransient(Exception failure) => failure is SqliteException;

    /// <summary>Deletes what may go, batch by batch, journal records then archived snapshots; answers how many journal records went.</summary>
    public override async Task<long> TrimAsync(CancellationToken cancellationToken)
    {
        var before = Cutoff.UtcTicks;
        var records = await DeleteInBatchesAsync(DeleteSql, before, cancellationToken);
        await DeleteInBatchesAsync(DeleteArchiveSql, before, cancellationToken);
        return records;
    }

    private async Task<long> DeleteInBatchesAsync(string sql, long before, CancellationToken cancellationToken)
    {
        var size = Options.DeleteBatchSize;
        long total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var deleted = await database.WriteAsync(write => write.Execute(sql, before, size));
            total += deleted;
            if (deleted < size)
            {
                break;
            }
        }

        return total;
    }
}
