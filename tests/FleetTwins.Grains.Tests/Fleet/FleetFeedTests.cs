using System.Collections.Concurrent;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;

namespace FleetTwins.Grains.Tests.Fleet;

/// <summary>Twins on both silos feed the search projection and the fleet-wide watch.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FleetFeedTests(ClusterFixture fixture)
{
    private sealed class Recorder : IFleetWatcher
    {
        public ConcurrentQueue<FleetChange> Changes { get; } = new();

        public Task OnChanges(IReadOnlyList<FleetChange> changes, int dropped)
        {
            foreach (var change in changes)
            {
                Changes.Enqueue(change);
            }

            return Task.CompletedTask;
        }
    }

    private Task ApplyAsync(string id, params VehicleEvent[] events) =>
        fixture.Client.GetGrain<IVehicleTwinGrain>(id).ApplyAsync(
            new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Volteras, events), new VehicleIdentity(null, []));

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Every_twin_lands_in_the_projection_at_its_newest_version()
    {
        var prefix = $"feed-{Guid.NewGuid():N}";
        var ids = Enumerable.Range(0, 20).Select(i => $"{prefix}-{i:00}").ToList();
        var now = fixture.Clock.GetUtcNow();
        foreach (var id in ids)
        {
            await ApplyAsync(id, new StateOfChargeReported(10) { At = now });
            await ApplyAsync(id, new StateOfChargeReported(15) { At = now.AddSeconds(1) }, new ChargingStateReported("CHARGING") { At = now.AddSeconds(1) });
        }

        var query = new SearchQuery(FilterParser.Parse($"id >= {prefix} and id < \"{prefix}~\""), SortOrder.ById, 100, null);
        var page = await EventuallyAsync(
            () => fixture.Projection.SearchAsync(query, null, now, CancellationToken.None),
            p => p.Items.Count == ids.Count && p.Items.All(v => v.Soc == 15));
        Assert.Equal(ids, page.Items.Select(v => v.Id));
        Assert.All(page.Items, v => Assert.Equal(("CHARGING", 2L), (v.Charging, v.Version)));
    }

    [Fact]
    public async Task A_twin_activated_again_repairs_its_missing_projection_row()
    {
        var id = $"reproject-{Guid.NewGuid():N}";
        var now = fixture.Clock.GetUtcNow();
        await ApplyAsync(id, new StateOfChargeReported(42) { At = now });
        var query = new SearchQuery(FilterParser.Parse($"id = {id}"), SortOrder.ById, 10, null);
        Task<SearchPage<VehicleSummary>> SearchAsync() => fixture.Projection.SearchAsync(query, null, now, CancellationToken.None);
        Assert.Single((await EventuallyAsync(SearchAsync, p => p.Items.Count == 1)).Items);

        // The row is lost (as when a silo crashed between the twin's write and the feed's flush) and the twin goes idle.
        await fixture.Projection.WriteAsync([], [id], CancellationToken.None);
        await fixture.Cluster.DeactivateAsync(fixture.Client.GetGrain<IVehicleTwinGrain>(id));
        Assert.Empty((await SearchAsync()).Items);

        // Its next activation, by a read that changes nothing, projects it again as it is.
        Assert.Equal(1, (await fixture.Client.GetGrain<IVehicleTwinGrain>(id).GetAsync())!.Version);
        var row = Assert.Single((await EventuallyAsync(SearchAsync, p => p.Items.Count == 1)).Items);
        Assert.Equal((42.0, 1L), (row.Soc, row.Version));
    }

    [Fact]
    public async Task The_fleet_watch_sees_every_change_in_order_with_its_notifications()
    {
        var recorder = new Recorder();
        var reference = fixture.Client.CreateObjectReference<IFleetWatcher>(recorder);
        var hub = fixture.Client.GetGrain<IFleetWatchGrain>(IFleetWatchGrain.Key);
        var since = await hub.WatchAsync(reference);
        Assert.True(await EventuallyAsync(() => hub.IsSeenByAllFeedsAsync(since), seen => seen));

        var prefix = $"watch-{Guid.NewGuid():N}";
        var now = fixture.Clock.GetUtcNow();
        var ids = Enumerable.Range(0, 10).Select(i => $"{prefix}-{i}").ToList();
        foreach (var id in ids)
        {
            await ApplyAsync(id, new StateOfChargeReported(50) { At = now });
            await ApplyAsync(id, new ChargingStateReported("CHARGING") { At = now.AddSeconds(1) });
        }

        var mine = await EventuallyAsync(
            () => Task.FromResult(recorder.Changes.Where(c => c.Vehicle.Id.StartsWith(prefix, StringComparison.Ordinal)).ToList()),
            c => c.Count == 2 * ids.Count);
        await hub.UnwatchAsync(reference);

        // Every change, in order per twin (no coalescing for watchers), and each notification with its change.
        foreach (var id in ids)
        {
            var changes = mine.Where(c => c.Vehicle.Id == id).ToList();
            Assert.Equal([1L, 2L], changes.Select(c => c.Vehicle.Version));
            Assert.Contains(changes[1].Notifications, n => n.Type == "charging-started");
        }
    }
}
