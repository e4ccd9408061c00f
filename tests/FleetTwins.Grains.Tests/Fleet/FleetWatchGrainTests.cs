using FleetTwins.Abstractions.Fleet;
using FleetTwins.Grains.Fleet;
using Microsoft.Extensions.Logging.Abstractions;

namespace FleetTwins.Grains.Tests.Fleet;

/// <summary>The fleet-wide watch says a watcher is seen by every feed only when it can know every feed.</summary>
public sealed class FleetWatchGrainTests
{
    private sealed class Silent : IFleetWatcher
    {
        public Task OnChanges(IReadOnlyList<FleetChange> changes, int dropped) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_new_activation_is_not_ready_before_the_feeds_it_has_not_heard_from_yet_could_have_asked()
    {
        var hub = new FleetWatchGrain(NullLogger<FleetWatchGrain>.Instance);
        var since = await hub.WatchAsync(new Silent());

        // No feed has asked yet: one that believes nobody watches may exist, so the watch is not ready.
        Assert.False(await hub.IsSeenByAllFeedsAsync(since));

        // A feed that asks, as feeds do every second, makes it ready once the activation has heard from feeds long enough.
        var feed = Guid.NewGuid();
        var deadline = DateTime.UtcNow + FleetWatchGrain.FeedsKnownAfter + TimeSpan.FromSeconds(10);
        var ready = false;
        while (!ready && DateTime.UtcNow < deadline)
        {
            Assert.Equal(1, await hub.GetWatcherCountAsync(feed));
            ready = await hub.IsSeenByAllFeedsAsync(since);
            await Task.Delay(Search.Feed.FleetFeed.WatcherCheckInterval / 4);
        }

        Assert.True(ready);
    }
}
