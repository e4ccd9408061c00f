using FleetTwins.Fleet;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace FleetTwins.Grains.Fleet;

/// <summary>Passes every silo's batches of twin changes on to the fleet-wide watchers, one-way.</summary>
[GrainType("fleet-watch")]
public sealed class FleetWatchGrain(ILogger<FleetWatchGrain> logger) : Grain, IFleetWatchGrain
{
    private readonly ObserverManager<IFleetWatcher> watchers = new(TimeSpan.FromMinutes(1), logger);

    public Task WatchAsync(IFleetWatcher watcher)
    {
        watchers.Subscribe(watcher, watcher);
        return Task.CompletedTask;
    }

    public Task UnwatchAsync(IFleetWatcher watcher)
    {
        watchers.Unsubscribe(watcher);
        return Task.CompletedTask;
    }

    public Task<int> GetWatcherCountAsync()
    {
        // Counting also expires watchers that stopped renewing.
        watchers.ClearExpired();
        return Task.FromResult(watchers.Count);
    }

    public Task PublishAsync(IReadOnlyList<FleetChange> changes, int dropped)
    {
        watchers.Notify(w => w.OnChanges(changes, dropped));
        return Task.CompletedTask;
    }
}
