using FleetTwins.Persistence.Options;
using FleetTwins.Persistence.Sqlite.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FleetTwins.Persistence.Sqlite.Journal;

/// <summary>
/// Deletes journal records older than <see cref="JournalOptions.Retention"/> that a snapshot holds, in batches of
/// <see cref="JournalOptions.DeleteBatchSize"/> (each a transaction of the writer, so deliveries keep flowing between
/// them), every <see cref="JournalOptions.RetentionPeriod"/>; a record no snapshot covers stays, however old.
/// </summary>
public sealed class SqliteJournalRetention(SqliteDatabase database, IOptions<JournalOptions> options, TimeProvider clock,
    ILogger<SqliteJournalRetention> logger) : BackgroundService
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionPeriod, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var deleted = await TrimAsync(stoppingToken);
                    if (deleted > 0)
                    {
                        logger.LogInformation("Journal retention deleted {Count} records older than {Retention}", deleted, options.Value.Retention);
                    }
                }
                catch (SqliteException e)
                {
                    logger.LogWarning(e, "Journal retention failed; trying again in {Period}", options.Value.RetentionPeriod);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Deletes what may go, batch by batch, journal records then archived snapshots; answers how many journal records went.</summary>
    public async Task<long> TrimAsync(CancellationToken cancellationToken)
    {
        var before = (clock.GetUtcNow() - options.Value.Retention).UtcTicks;
        var records = await DeleteInBatchesAsync(DeleteSql, before, cancellationToken);
        await DeleteInBatchesAsync(DeleteArchiveSql, before, cancellationToken);
        return records;
    }

    private async Task<long> DeleteInBatchesAsync(string sql, long before, CancellationToken cancellationToken)
    {
        var size = options.Value.DeleteBatchSize;
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
