using System.Runtime.CompilerServices;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;

namespace FleetTwins.Host.Api.Watching;

/// <summary>
/// A live watch of the whole fleet through a filter: first <c>ready</c> (once every silo's feed knows of the watch:
/// every change from then on is streamed), then <c>vehicle</c> (the summary of a matching twin after each change),
/// <c>notification</c> (raised by a matching twin) and <c>left</c> (<c>{"id"}</c>: a twin this watch showed no longer
/// matches, or was merged away). Changes reach it from every silo through the fleet-watch grain, batched every
/// 100 ms per silo.
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
            var since = await hub.WatchAsync(reference);
            var deadline = DateTime.UtcNow + ReadyWithin;
            while (!await hub.IsSeenByAllFeedsAsync(since) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }

            yield return new WatchEvent("ready", new Ready(since));
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

    /// <summary>How long to wait for every feed to notice a new watch (feeds look every second).</summary>
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(5);

    /// <summary>The data of the <c>ready</c> event: since when changes are streamed.</summary>
    public sealed record Ready(DateTime Since);

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
