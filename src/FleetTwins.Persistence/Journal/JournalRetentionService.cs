using FleetTwins.Persistence.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FleetTwins.Persistence.Journal;

/// <summary>
/// A durable journal's retention as a background service: every <see cref="JournalOptions.RetentionPeriod"/> it runs
/// the backend's <see cref="TrimAsync"/> (covered records, then archived snapshots, older than
/// <see cref="JournalOptions.Retention"/>); a failure the backend calls transient is logged and tried again next period.
/// </summary>
public abstract class JournalRetentionService(IOptions<JournalOptions> options, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected JournalOptions Options => options.Value;

    /// <summary>Records (and archived snapshots) older than this may go.</summary>
    protected DateTimeOffset Cutoff => clock.GetUtcNow() - options.Value.Retention;

    /// <summary>Deletes what may go, batch by batch; answers how many journal records went.</summary>
    public abstract Task<long> TrimAsync(CancellationToken cancellationToken);

    /// <summary>A failure of the backend that the next period may not meet (the database away, a lock timeout).</summary>
    protected abstract bool IsTransient(Exception failure);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
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
                catch (Exception e) when (IsTransient(e))
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
}
