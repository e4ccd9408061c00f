using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Grains.Tests.Vehicles;

[Collection(ClusterCollection.Name)]
public sealed class VehicleTwinGrainTests(ClusterFixture fixture)
{
    private IVehicleTwinGrain Vehicle(string id) => fixture.Client.GetGrain<IVehicleTwinGrain>(id);

    private static string NewId() => $"test-{Guid.NewGuid():N}";

    private static string NewVin() => ("WBY" + Guid.NewGuid().ToString("N").ToUpperInvariant())[..17];

    [Fact]
    public async Task Unknown_twin_reads_as_absent()
    {
        Assert.Null(await Vehicle(NewId()).GetAsync());
    }

    [Fact]
    public async Task Registered_twin_carries_its_normalised_vin_as_an_alias()
    {
        var id = NewId();
        var vin = NewVin();

        var twin = (await Vehicle(id).RegisterAsync(new VehicleRegistration($" {vin.ToLowerInvariant()} "))).Twin;

        Assert.Equal(id, twin.Id);
        Assert.Equal(vin, twin.Vin);
        Assert.Equal([$"vin:{vin}"], twin.Aliases);
        Assert.Equal(fixture.Clock.GetUtcNow(), twin.CreatedAt);
        Assert.Equivalent(twin, await Vehicle(id).GetAsync(), strict: true);
    }

    [Fact]
    public async Task Registering_the_same_again_changes_nothing()
    {
        var id = NewId();
        var vin = NewVin();
        var first = await Vehicle(id).RegisterAsync(new VehicleRegistration(vin));

        var again = await Vehicle(id).RegisterAsync(new VehicleRegistration(vin));

        Assert.True(first.Created);
        Assert.Equal([$"vin:{vin}"], first.Linked);
        Assert.False(again.Created);
        Assert.Empty(again.Linked);
        Assert.Single(again.Twin.Aliases);
        Assert.Equal(first.Twin.Version, again.Twin.Version);
    }

    [Fact]
    public async Task Charging_target_is_refused_for_an_unknown_twin_and_creates_nothing()
    {
        var id = NewId();

        Assert.Null(await Vehicle(id).SetChargingTargetAsync(80, "api"));
        Assert.Null(await Vehicle(id).GetAsync());
    }

    [Fact]
    public async Task Charging_target_records_value_source_and_time()
    {
        var id = NewId();
        await Vehicle(id).RegisterAsync(new VehicleRegistration(null));

        var twin = await Vehicle(id).SetChargingTargetAsync(80, "api");

        Assert.NotNull(twin?.ChargingTarget);
        Assert.Equal(80, twin.ChargingTarget.TargetSoc);
        Assert.Equal("api", twin.ChargingTarget.Source);
        Assert.Equal(fixture.Clock.GetUtcNow(), twin.ChargingTarget.At);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100.5)]
    public async Task Charging_target_outside_0_to_100_is_rejected_without_change(double target)
    {
        var id = NewId();
        var registered = (await Vehicle(id).RegisterAsync(new VehicleRegistration(null))).Twin;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Vehicle(id).SetChargingTargetAsync(target, "api"));

        Assert.Equivalent(registered, await Vehicle(id).GetAsync(), strict: true);
    }

    [Fact]
    public async Task State_survives_deactivation()
    {
        var id = NewId();
        await Vehicle(id).RegisterAsync(new VehicleRegistration(NewVin()));
        var before = await Vehicle(id).SetChargingTargetAsync(75, "api");

        await fixture.Cluster.DeactivateAsync(Vehicle(id));

        Assert.Equivalent(before, await Vehicle(id).GetAsync(), strict: true);
    }

    [Fact]
    public async Task A_delivery_whose_apply_throws_halfway_leaves_the_twin_as_stored_and_the_next_one_applies()
    {
        var id = NewId();
        var at = fixture.Clock.GetUtcNow();
        await Vehicle(id).ApplyAsync(Batch(new StateOfChargeReported(40) { At = at }), new VehicleIdentity(null, []));
        var stored = await Vehicle(id).GetAsync();

        // The first event changes the state in memory; the second throws (a tyre without a position): nothing is written.
        await Assert.ThrowsAnyAsync<Exception>(() => Vehicle(id).ApplyAsync(
            Batch(new StateOfChargeReported(43) { At = at.AddMinutes(1) }, new TirePressureReported(null!, 200) { At = at.AddMinutes(1) }),
            new VehicleIdentity(null, [])));

        Assert.Equivalent(stored, await Vehicle(id).GetAsync(), strict: true);
        await Vehicle(id).ApplyAsync(Batch(new StateOfChargeReported(44) { At = at.AddMinutes(2) }), new VehicleIdentity(null, []));
        var after = await Vehicle(id).GetAsync();
        Assert.Equal((44d, stored!.Version + 1), (after!.StateOfCharge!.Value, after.Version));
    }

    private static TwinEventBatch<VehicleEvent> Batch(params VehicleEvent[] events) => new($"d-{Guid.NewGuid():N}", Sources.Volteras, events);
}
