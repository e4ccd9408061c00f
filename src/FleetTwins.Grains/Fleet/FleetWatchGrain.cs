using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Feed;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace FleetTwins.Grains.Fleet;

/// <summary>Passes every silo's batches of twin changes on to the fleet-wide watchers, one-way.</summary>
[GrainType("fleet-watch")]
public sealed class FleetWatchGrain(ILogger<FleetWatchGrain> logger) : Grain, IFleetWatchGrain
{
    /// <summary>A feed that has not asked for this long is gone (feeds ask every second).</summary>
    private static readonly TimeSpan FeedExpiry = TimeSpan.FromSeconds(5);

    // Feeds ask on the silo's real clock, so this grain measures them on it too (never a test's fake clock).

    /// <summary>
    /// How long a new activation listens before it can say it knows every live feed: two of their asks. Until then a
    /// feed that has not asked yet (it still believes nobody watches) would be missing from <see cref="feeds"/>.
    /// </summary>
    public static readonly TimeSpan FeedsKnownAfter = 2 * FleetFeed.WatcherCheckInterval;

    private readonly DateTime activatedAt = DateTime.UtcNow;

    private readonly ObserverManager<IFleetWatcher> watchers = new(TimeSpan.FromMinutes(1), logger);

    /// <summary>When each silo's feed last asked whether anyone watches.</summary>
    private readonly Dictionary<Guid, DateTime> feeds = [];

    public Task<DateTime> WatchAsync(IFleetWatcher watcher)
    {
        watchers.Subscribe(watcher, watcher);
        return Task.FromResult(DateTime.UtcNow);
    }

    public Task UnwatchAsync(IFleetWatcher watcher)
    {
        watchers.Unsubscribe(watcher);
        return Task.CompletedTask;
    }

    public Task<int> GetWatcherCountAsync(Guid feed)
    {
        feeds[feed] = DateTime.UtcNow;

        // Counting also expires watchers that stopped renewing.
        watchers.ClearExpired();
        return Task.FromResult(watchers.Count);
    }

    public Task<bool> IsSeenByAllFeedsAsync(DateTime since)
    {
        var now = DateTime.UtcNow;
        if (now - activatedAt < FeedsKnownAfter)
        {
            return Task.FromResult(false);
        }

        foreach (var gone in feeds.Where(f => now - f.Value > FeedExpiry).Select(f => f.Key).ToList())
        {
            feeds.Remove(gone);
        }

        return Task.FromResult(feeds.Values.All(asked => asked > since));
    }

    public Task PublishAsync(IReadOnlyList<FleetChange> changes, int dropped)
    {
        watchers.Notify(w => w.OnChanges(changes, dropped));
        return Task.CompletedTask;
    }
}
