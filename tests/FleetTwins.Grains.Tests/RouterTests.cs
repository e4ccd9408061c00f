using FleetTwins.Abstractions.Accounts;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Identity;
using FleetTwins.Ingestion.Routing;

namespace FleetTwins.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class RouterTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private TwinEventRouter Router() => new(fixture.Client, Aliases);

    private AliasLookup Aliases { get; } = new(fixture.Client);

    private static string Vin() => ("WBY" + Guid.NewGuid().ToString("N").ToUpperInvariant())[..17];

    private static string Id() => Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Vehicle_seen_by_volteras_vin_and_then_by_telematica_with_the_same_vin_is_one_twin()
    {
        var router = Router();
        var vin = Vin();
        var (volteras, telematica) = ($"volteras:{Id()}", $"telematica:{Id()}");

        await router.RouteAsync($"d-{Id()}", Sources.Volteras,
            [new ForVehicle(new VehicleIdentity(vin, [volteras]), [new StateOfChargeReported(85.5) { At = T0 }])]);
        await router.RouteAsync($"d-{Id()}", Sources.Telematica,
            [new ForVehicle(new VehicleIdentity(vin, [telematica]), [new OdometerReported(12345) { At = T0 }])]);
        // A later Telematica delivery without a VIN still finds the twin through its own alias.
        await router.RouteAsync($"d-{Id()}", Sources.Telematica,
            [new ForVehicle(new VehicleIdentity(null, [telematica]), [new RangeReported(216) { At = T0 }])]);

        var twin = await fixture.Client.GetGrain<IVehicleTwinGrain>(vin).GetAsync();
        Assert.NotNull(twin);
        Assert.Equal(vin, twin.Vin);
        Assert.Equal([$"vin:{vin}", volteras, telematica], twin.Aliases);
        Assert.Equal((85.5, 12345d, 216d), (twin.StateOfCharge!.Value, twin.Odometer!.Value, twin.Range!.Value));
        Assert.Equal(vin, await Aliases.FindAsync(telematica));
    }

    [Fact]
    public async Task Vehicle_without_vin_is_keyed_by_its_first_alias_and_later_gains_the_vin()
    {
        var router = Router();
        var imei = $"imei:{Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999)}";
        var vin = Vin();

        await router.RouteAsync($"d-{Id()}", Sources.Tracker, [new ForVehicle(new VehicleIdentity(null, [imei]), [new LocationReported(1, 2) { At = T0 }])]);
        await router.RouteAsync($"d-{Id()}", Sources.Tracker, [new ForVehicle(new VehicleIdentity(vin, [imei]), [new LocationReported(3, 4) { At = T0.AddMinutes(1) }])]);

        var twin = await fixture.Client.GetGrain<IVehicleTwinGrain>(imei).GetAsync();
        Assert.Equal(vin, twin!.Vin);
        Assert.Equal(imei, await Aliases.FindAsync($"vin:{vin}"));
        Assert.Equal(3, twin.Location!.Latitude);
    }

    [Fact]
    public async Task Replayed_delivery_is_applied_once()
    {
        var router = Router();
        var vin = Vin();
        var delivery = $"volteras:msg_{Id()}";
        Routed[] events = [new ForVehicle(new VehicleIdentity(vin, []), [new TrackerEventReported("sos", 0, null) { At = T0 }])];

        var first = await router.RouteAsync(delivery, Sources.Volteras, events);
        var again = await router.RouteAsync(delivery, Sources.Volteras, events);

        Assert.Equal(new RouteResult(1, 0), first);
        Assert.Equal(new RouteResult(0, 1), again);
        var twin = await fixture.Client.GetGrain<IVehicleTwinGrain>(vin).GetAsync();
        Assert.Single(twin!.Alarms);
        Assert.Equal(1, twin.Version);
    }

    [Fact]
    public async Task Alert_is_stored_on_its_twin_and_shown_active_on_the_vehicle_until_resolved()
    {
        var router = Router();
        var vin = Vin();
        var alertId = Id();
        AlertUpdated Update(string status, DateTimeOffset at) =>
            new(status, "HIGH", false, "def", vin, null, T0, new AlertDefinition("def", "Battery fault", null, null, "Battery"), []) { At = at };

        await router.RouteAsync($"d-{Id()}", Sources.Volteras, [new ForAlert(alertId, Update("ACTIVE", T0), new VehicleIdentity(vin, []))]);
        var active = await fixture.Client.GetGrain<IVehicleTwinGrain>(vin).GetAsync();
        await router.RouteAsync($"d-{Id()}", Sources.Volteras, [new ForAlert(alertId, Update("RESOLVED", T0.AddMinutes(5)), new VehicleIdentity(vin, []))]);
        await router.RouteAsync($"d-{Id()}", Sources.Volteras, [new ForAlert(alertId, Update("ACTIVE", T0.AddMinutes(1)), new VehicleIdentity(vin, []))]);

        Assert.Equal("Battery fault", Assert.Single(active!.ActiveAlerts).Title);
        Assert.Empty((await fixture.Client.GetGrain<IVehicleTwinGrain>(vin).GetAsync())!.ActiveAlerts);
        var alert = await fixture.Client.GetGrain<IAlertGrain>(alertId).GetAsync();
        Assert.Equal(("RESOLVED", vin), (alert!.Status, alert.VehicleId));
    }

    [Fact]
    public async Task Account_lists_its_devices_with_the_twins_they_resolved_to()
    {
        var router = Router();
        var (vin, device, user) = (Vin(), Id(), $"telematica:{Id()}");
        var alias = $"telematica:{device}";
        var connected = new DevicesConnected([new AccountDevice(device, "vehicle", "Tesla", "Model Y", vin, null, 2020, "US", "ELECTRIC")]) { At = T0 };

        await router.RouteAsync($"d-{Id()}", Sources.Telematica,
        [
            new ForVehicle(new VehicleIdentity(vin, [alias]), [new MasterDataReported("Tesla", "Model Y", null, null, 2020, "US", "ELECTRIC") { At = T0 }]),
            new ForAccount(user, connected, new Dictionary<string, string> { [device] = alias }),
        ]);
        await router.RouteAsync($"d-{Id()}", Sources.Telematica,
            [new ForAccount(user, new DevicesDisconnected([device]) { At = T0.AddMinutes(1) }, new Dictionary<string, string> { [device] = alias })]);

        var account = await fixture.Client.GetGrain<IAccountGrain>(user).GetAsync();
        var state = Assert.Single(account!.Devices);
        Assert.Equal((false, vin, "Tesla"), (state.Connected, state.VehicleId, state.Device.Make));
        Assert.Equal("Model Y", (await fixture.Client.GetGrain<IVehicleTwinGrain>(vin).GetAsync())!.MasterData!.Model);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class TwinMergeTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Twins_found_to_be_one_vehicle_are_merged_reading_by_reading_into_the_vin_twin()
    {
        var aliases = new AliasLookup(fixture.Client);
        var router = new TwinEventRouter(fixture.Client, aliases);
        var vin = ("WBY" + Guid.NewGuid().ToString("N").ToUpperInvariant())[..17];
        var volteras = $"volteras:{Guid.NewGuid():N}";

        // Seen apart first: by VIN alone (an alert), and by the Volteras id alone (a connect).
        await router.RouteAsync($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new ForVehicle(new VehicleIdentity(vin, []), [new OdometerReported(100) { At = T0.AddMinutes(5) }])]);
        await router.RouteAsync($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new ForVehicle(new VehicleIdentity(null, [volteras]), [new OdometerReported(90) { At = T0 }, new RangeReported(300) { At = T0 }])]);
        // Then a delivery that names both.
        await router.RouteAsync($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new ForVehicle(new VehicleIdentity(vin, [volteras]), [new StateOfChargeReported(70) { At = T0.AddMinutes(6) }])]);

        var twin = await fixture.Client.GetGrain<IVehicleTwinGrain>(vin).GetAsync();
        Assert.Equal((100d, 300d, 70d), (twin!.Odometer!.Value, twin.Range!.Value, twin.StateOfCharge!.Value));
        Assert.Contains(volteras, twin.Aliases);
        Assert.Equal(vin, await aliases.FindAsync(volteras));
        // The absorbed twin forwards to the one it merged into, for reads and for late deliveries alike.
        Assert.Equal(vin, (await fixture.Client.GetGrain<IVehicleTwinGrain>(volteras).GetAsync())!.Id);
        await fixture.Client.GetGrain<IVehicleTwinGrain>(volteras).ApplyAsync(
            new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Volteras, [new RangeReported(250) { At = T0.AddMinutes(7) }]),
            new VehicleIdentity(null, [volteras]));
        Assert.Equal(250, (await fixture.Client.GetGrain<IVehicleTwinGrain>(vin).GetAsync())!.Range!.Value);
    }

    [Fact]
    public async Task A_watcher_of_a_twin_merged_away_follows_it_into_the_twin_it_merged_into()
    {
        var router = new TwinEventRouter(fixture.Client, new AliasLookup(fixture.Client));
        var vin = ("WBY" + Guid.NewGuid().ToString("N").ToUpperInvariant())[..17];
        var volteras = $"volteras:{Guid.NewGuid():N}";
        await router.RouteAsync($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new ForVehicle(new VehicleIdentity(vin, []), [new OdometerReported(100) { At = T0 }])]);
        await router.RouteAsync($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new ForVehicle(new VehicleIdentity(null, [volteras]), [new RangeReported(300) { At = T0 }])]);
        var recorder = new RecordingWatcher();
        var watcher = fixture.Client.CreateObjectReference<IVehicleWatcher>(recorder);
        await fixture.Client.GetGrain<IVehicleTwinGrain>(volteras).WatchAsync(watcher);

        // A delivery that names both merges the Volteras twin into the VIN's; then only the survivor changes.
        await router.RouteAsync($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new ForVehicle(new VehicleIdentity(vin, [volteras]), [new StateOfChargeReported(70) { At = T0.AddMinutes(1) }])]);
        await router.RouteAsync($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new ForVehicle(new VehicleIdentity(vin, []), [new StateOfChargeReported(64) { At = T0.AddMinutes(2) }])]);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && !recorder.Seen.Any(t => t.Id == vin && t.StateOfCharge?.Value == 64))
        {
            await Task.Delay(20);
        }

        Assert.Contains(recorder.Seen, t => t.Id == vin && t.StateOfCharge?.Value == 64);
        fixture.Client.DeleteObjectReference<IVehicleWatcher>(watcher);
    }
}
