using System.Runtime.CompilerServices;
using FleetTwins.Fleet;
using FleetTwins.Search.Filters;

namespace FleetTwins.Host.Api.Watching;

/// <summary>
/// A live watch of the whole fleet through a filter: <c>vehicle</c> (the summary of a matching twin after each
/// change), <c>notification</c> (raised by a matching twin) and <c>left</c> (<c>{"id"}</c>: a twin this watch showed
/// no longer matches, or was merged away). Changes reach it from every silo through the fleet-watch grain,
/// batched every 100 ms per silo.
/// </summary>
public static class FleetWatch
{
    public static async IAsyncEnumerable<WatchEvent> RunAsync(
        IGrainFactory grains, Filter filter, TimeProvider clock, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var hub = grains.GetGrain<IFleetWatchGrain>(IFleetWatchGrain.Key);
        var session = new WatchSession();
        var watcher = new Watcher(session, filter, clock);
        var reference = grains.CreateObjectReference<IFleetWatcher>(watcher);
        try
        {
            await hub.WatchAsync(reference);
            await foreach (var e in session.ReadAllAsync(() => hub.WatchAsync(reference), cancellationToken))
            {
                yield return e;
            }
        }
        finally
        {
            try
            {
                await hub.UnwatchAsync(reference);
            }
            catch (Exception)
            {
                // Best effort: an unrenewed watcher expires on its own.
            }

            grains.DeleteObjectReference<IFleetWatcher>(reference);
            GC.KeepAlive(watcher);
        }
    }

    /// <summary>The data of a <c>left</c> event.</summary>
    public sealed record Left(string Id);

    private sealed class Watcher(WatchSession session, Filter filter, TimeProvider clock) : IFleetWatcher
    {
        private readonly Lock gate = new();
        private readonly HashSet<string> shown = new(StringComparer.Ordinal);

        public Task OnChanges(IReadOnlyList<FleetChange> changes, int dropped)
        {
            var now = clock.GetUtcNow();
            lock (gate)
            {
                session.Lost(dropped);
                foreach (var change in changes)
                {
                    var id = change.Vehicle.Id;
                    if (!change.Removed && FilterEvaluator.Matches(filter, change.Vehicle, now))
                    {
                        shown.Add(id);
                        session.Post("vehicle", change.Vehicle);
                        foreach (var notification in change.Notifications)
                        {
                            session.Post("notification", NotificationView.From(notification));
                        }
                    }
                    else if (shown.Remove(id))
                    {
                        session.Post("left", new Left(id));
                    }
                }
            }

            return Task.CompletedTask;
        }
    }
}
