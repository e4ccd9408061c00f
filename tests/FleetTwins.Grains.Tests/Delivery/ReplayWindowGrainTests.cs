using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.RateLimits;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Grains.Tests.Delivery;

/// <summary>
/// A delivery replayed within the window, after more newer deliveries to the same twin than its last-deliveries log
/// holds and a deactivation (what a restart does to a twin), is a duplicate and changes nothing: for a vehicle twin
/// (rebuilt from its snapshot and journal) and for the twins that store their whole state (a rate limit here).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplayWindowGrainTests(ClusterFixture fixture)
{
    private const int Newer = 300;

    [Fact]
    public async Task A_vehicle_twin_reactivated_after_300_newer_deliveries_answers_a_replay_as_duplicate()
    {
        var id = $"replayed-{Guid.NewGuid():N}";
        var twin = fixture.Client.GetGrain<IVehicleTwinGrain>(id);
        var identity = new VehicleIdentity(null, [$"imei:{Guid.NewGuid():N}"[..20]]);
        var at = ClusterFixture.Start.AddHours(-1);
        TwinEventBatch<VehicleEvent> Batch(string deliveryId, int soc, int second) =>
            new(deliveryId, Sources.Volteras, [new StateOfChargeReported(soc) { At = at.AddSeconds(second) }]);

        var captured = Batch($"volteras:captured-{id}", 20, 0);
        Assert.Equal(ApplyOutcome.Applied, await twin.ApplyAsync(captured, identity));
        for (var i = 1; i <= Newer; i++)
        {
            Assert.Equal(ApplyOutcome.Applied, await twin.ApplyAsync(Batch($"volteras:newer-{id}-{i}", 50 + i % 40, i), identity));
        }

        var before = await twin.GetAsync();
        await fixture.Cluster.DeactivateAsync(twin);

        Assert.Equal(ApplyOutcome.Duplicate, await twin.ApplyAsync(captured, identity));
        Assert.Equal(before!.Version, (await twin.GetAsync())!.Version);
        Assert.Equal(Newer + 1, before.Version);
    }

    [Fact]
    public async Task A_rate_limit_twin_reactivated_after_300_newer_deliveries_answers_a_replay_as_duplicate()
    {
        var objectId = Guid.NewGuid().ToString("N");
        var limits = fixture.Client.GetGrain<IRateLimitGrain>($"volteras:VEHICLE:{objectId}");
        TwinEventBatch<RateLimitUpdated> Batch(string deliveryId, int second) =>
            new(deliveryId, Sources.Volteras, [new RateLimitUpdated("commands", 100 - second % 100, 100, 60) { At = ClusterFixture.Start.AddSeconds(second) }]);

        var captured = Batch("volteras:captured", 0);
        Assert.Equal(ApplyOutcome.Applied, await limits.ApplyAsync(captured, "VEHICLE", objectId));
        for (var i = 1; i <= Newer; i++)
        {
            Assert.Equal(ApplyOutcome.Applied, await limits.ApplyAsync(Batch($"volteras:newer-{i}", i), "VEHICLE", objectId));
        }

        var version = (await limits.GetAsync())!.Version;
        await fixture.Cluster.DeactivateAsync(limits);

        Assert.Equal(ApplyOutcome.Duplicate, await limits.ApplyAsync(captured, "VEHICLE", objectId));
        Assert.Equal(version, (await limits.GetAsync())!.Version);
        Assert.Equal(Newer + 1, version);
    }
}
