using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Projection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Search.Feed;

/// <summary>
/// One per silo: takes every persisted twin change (<see cref="IFleetFeed"/>) and every <see cref="FlushInterval"/>
/// writes them to the search projection (coalesced: the newest version per twin) and — while anyone watches the
/// fleet — hands them, every one in order, to the fleet-wide watch. A failed projection write keeps the batch for
/// the next round, so the projection converges; the twins' own state is already durable. At most
/// <see cref="MaxWatchBacklog"/> changes wait for the watch; beyond that the oldest go, counted.
/// </summary>
public sealed partial class FleetFeed(IFleetProjection projection, IGrainFactory grains, TimeProvider clock, ILogger<FleetFeed> logger)
    : BackgroundService, IFleetFeed
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    public const int MaxWatchBacklog = 20_000;

    /// <summary>How often the feed asks the fleet-wide watch whether anyone watches.</summary>
    public static readonly TimeSpan WatcherCheckInterval = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private readonly Guid id = Guid.NewGuid();
    private Dictionary<string, FleetChange> toProject = new(StringComparer.Ordinal);
    private Queue<FleetChange> toWatch = new();
    private int watchDropped;
    private volatile bool watched;

    /// <summary>
    /// A check is in flight: the watch may already count this feed as knowing of a new watcher (and say "ready") before
    /// the answer arrives, so changes from now on are kept until the answer says whether anyone watches.
    /// </summary>
    private volatile bool asking;

    public void Publish(FleetChange change)
    {
        lock (gate)
        {
            Coalesce(toProject, change with { Notifications = [] });
            if (watched || asking)
            {
                if (toWatch.Count >= MaxWatchBacklog)
                {
                    toWatch.Dequeue();
                    watchDropped++;
                }

                toWatch.Enqueue(change);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, clock);
        var checkWatchersAt = DateTimeOffset.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (clock.GetUtcNow() >= checkWatchersAt)
                {
                    await CheckWatchersAsync();
                    checkWatchersAt = clock.GetUtcNow() + WatcherCheckInterval;
                }

                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // The silo is stopping: what is still pending goes out once more.
        await FlushAsync(CancellationToken.None);
    }

    /// <summary>Writes what is pending to the projection and passes it to the fleet-wide watch.</summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, FleetChange> projecting;
        Queue<FleetChange> watching;
        int dropped;
        lock (gate)
        {
            if (toProject.Count == 0 && toWatch.Count == 0)
            {
                return;
            }

            (projecting, toProject) = (toProject, new(StringComparer.Ordinal));
            (watching, toWatch) = (toWatch, new());
            (dropped, watchDropped) = (watchDropped, 0);
        }

        if (!watched)
        {
            watching.Clear(); // kept during a check whose answer was that nobody watches
        }

        if (watching.Count > 0)
        {
            try
            {
                await grains.GetGrain<IFleetWatchGrain>(IFleetWatchGrain.Key).PublishAsync([.. watching], dropped);
            }
            catch (Exception e)
            {
                LogWatchFailed(logger, e, watching.Count);
            }
        }

        if (projecting.Count == 0)
        {
            return;
        }

        try
        {
            await projection.WriteAsync(
                [.. projecting.Values.Where(c => !c.Removed).Select(c => c.Vehicle)],
                [.. projecting.Values.Where(c => c.Removed).Select(c => c.Vehicle.Id)],
                cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested || e is not OperationCanceledException)
        {
            LogProjectionFailed(logger, e, projecting.Count);
            lock (gate)
            {
                foreach (var change in projecting.Values)
                {
                    Coalesce(toProject, change);
                }
            }
        }
    }

    private async Task CheckWatchersAsync()
    {
        asking = true;
        try
        {
            watched = await grains.GetGrain<IFleetWatchGrain>(IFleetWatchGrain.Key).GetWatcherCountAsync(id) > 0;
        }
        catch (Exception e)
        {
            // Unknown: keep feeding the watch, a watcher may be waiting.
            watched = true;
            LogWatchFailed(logger, e, 0);
        }
        finally
        {
            asking = false;
        }
    }

    /// <summary>Keeps the newest version of each twin (the projection needs nothing else).</summary>
    private static void Coalesce(Dictionary<string, FleetChange> pending, FleetChange change)
    {
        if (!pending.TryGetValue(change.Vehicle.Id, out var existing) || change.Vehicle.Version >= existing.Vehicle.Version)
        {
            pending[change.Vehicle.Id] = change;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} twin changes to the search projection failed; they stay queued for the next round")]
    private static partial void LogProjectionFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Passing {Count} twin changes to the fleet-wide watch failed")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, int count);
}
