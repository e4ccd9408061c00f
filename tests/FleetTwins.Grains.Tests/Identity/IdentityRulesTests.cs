using System.Text.Json;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Identity;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Identity;
using FleetTwins.Ingestion.Routing;

namespace FleetTwins.Grains.Tests.Identity;

/// <summary>The identity rules of docs/INGESTION.md, through the router and the twins of a two-silo cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IdentityRulesTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TwinEventRouter router = new(fixture.Client, new AliasLookup(fixture.Client));

    private static string Vin() => ("WBY" + Guid.NewGuid().ToString("N").ToUpperInvariant())[..17];

    private static string Id() => Guid.NewGuid().ToString("N")[..12];

    private IVehicleTwinGrain Twin(string id) => fixture.Client.GetGrain<IVehicleTwinGrain>(id);

    private Task<string?> OwnerAsync(string alias) => fixture.Client.GetGrain<IAliasGrain>(alias).GetTwinIdAsync();

    private Task DeliverAsync(string source, string? vin, string? alias, params VehicleEvent[] events) =>
        router.RouteAsync($"d-{Id()}", source, [new ForVehicle(new VehicleIdentity(vin, alias is null ? [] : [alias]), events)]);

    [Fact]
    public async Task A_registered_vin_receives_the_readings_for_that_vin_and_no_second_twin_appears()
    {
        var (car, vin, volteras) = ($"car-{Id()}", Vin(), $"volteras:{Id()}");
        await Twin(car).RegisterAsync(new VehicleRegistration(vin));

        await DeliverAsync(Sources.Volteras, vin, volteras, new StateOfChargeReported(72) { At = T0 });

        var twin = await Twin(car).GetAsync();
        Assert.Equal(72, twin!.StateOfCharge!.Value);
        Assert.Equal([$"vin:{vin}", volteras], twin.Aliases);
        Assert.Null(await Twin(vin).GetAsync());
        Assert.Equal(car, await OwnerAsync($"vin:{vin}"));
        Assert.Equal(car, await OwnerAsync(volteras));
    }

    [Fact]
    public async Task A_journey_naming_another_vin_moves_the_alias_and_raises_identity_changed_on_both_twins()
    {
        var (vinA, vinB, vehA, vehB) = (Vin(), Vin(), $"volteras:{Id()}", $"volteras:{Id()}");
        await DeliverAsync(Sources.Volteras, vinA, vehA, new OdometerReported(45_255) { At = T0 });
        await DeliverAsync(Sources.Volteras, vinB, vehB, new OdometerReported(12_357) { At = T0 });

        // veh-B's journey arrives carrying veh-A's VIN: the reading goes to that VIN's twin, the alias with it.
        var journey = $"d-{Id()}";
        await router.RouteAsync(journey, Sources.Volteras,
            [new ForVehicle(new VehicleIdentity(vinA, [vehB]), [new OdometerReported(78_945) { At = T0.AddHours(1) }])]);

        var (a, b) = ((await Twin(vinA).GetAsync())!, (await Twin(vinB).GetAsync())!);
        Assert.Equal((vinA, 78_945d), (a.Vin, a.Odometer!.Value));
        Assert.Equal((vinB, 12_357d), (b.Vin, b.Odometer!.Value));
        Assert.Equal([$"vin:{vinA}", vehA, vehB], a.Aliases);
        Assert.Equal([$"vin:{vinB}"], b.Aliases);
        Assert.Equal(vinA, await OwnerAsync(vehB));
        foreach (var twin in new[] { vinA, vinB })
        {
            var changed = Assert.Single(await Twin(twin).GetNotificationsAsync(), n => n.Type == "identity-changed");
            var data = JsonDocument.Parse(changed.DataJson).RootElement;
            Assert.Equal((vehB, vinB, vinA, journey),
                (data.GetProperty("alias").GetString(), data.GetProperty("fromTwin").GetString(), data.GetProperty("toTwin").GetString(),
                    data.GetProperty("deliveryId").GetString()));
        }

        Assert.Contains(a.AliasHistory, c => c is { Alias: var x, From: var f, To: var t, Source: Sources.Volteras } && x == vehB && f == vinB && t == vinA);
        Assert.Contains(b.AliasHistory, c => c.Alias == vehB && c.From == vinB && c.To == vinA);

        // veh-B's next reading without a VIN follows the alias, even through a silo's stale cache.
        await DeliverAsync(Sources.Volteras, null, vehB, new RangeReported(333) { At = T0.AddHours(2) });
        Assert.Equal(333, (await Twin(vinA).GetAsync())!.Range!.Value);
        Assert.Null((await Twin(vinB).GetAsync())!.Range);
    }

    [Fact]
    public async Task A_telematica_vehicle_reporting_a_new_vin_moves_to_a_twin_of_that_vin_without_merging()
    {
        var (vinOld, vinNew, telematica) = (Vin(), Vin(), $"telematica:{Id()}");
        await DeliverAsync(Sources.Telematica, vinOld, telematica, new StateOfChargeReported(50) { At = T0 });

        await DeliverAsync(Sources.Telematica, vinNew, telematica, new StateOfChargeReported(90) { At = T0.AddMinutes(1) });

        var (old, moved) = ((await Twin(vinOld).GetAsync())!, (await Twin(vinNew).GetAsync())!);
        Assert.Equal((vinOld, 50d), (old.Vin, old.StateOfCharge!.Value));
        Assert.Equal((vinNew, 90d), (moved.Vin, moved.StateOfCharge!.Value));
        Assert.DoesNotContain(telematica, old.Aliases);
        Assert.Contains(telematica, moved.Aliases);
        Assert.Contains(await Twin(vinOld).GetNotificationsAsync(), n => n.Type == "identity-changed");
        Assert.Contains(await Twin(vinNew).GetNotificationsAsync(), n => n.Type == "identity-changed");
    }

    [Fact]
    public async Task A_registration_merges_the_twins_of_its_aliases_and_keeps_the_commands_and_notifications_of_both()
    {
        var (car, vin, imei, invers) = ($"car-{Id()}", Vin(), $"imei:{Id()}", $"invers:{Id()}");
        await DeliverAsync(Sources.Tracker, null, imei, new LocationReported(52.5, 13.4) { At = T0 }, new TrackerEventReported("sos", null, null) { At = T0 });
        await DeliverAsync(Sources.Invers, null, invers, new OdometerReported(1200) { At = T0 });
        var command = await Twin(invers).SendCommandAsync(new CommandRequest("LOCK", "{}", null));

        var result = await Twin(car).RegisterAsync(new VehicleRegistration(vin, [imei, invers]));

        Assert.Empty(result.Conflicts);
        Assert.Equal([imei, invers], result.Merged);
        var twin = result.Twin;
        Assert.Equal([$"vin:{vin}", imei, invers], twin.Aliases);
        Assert.Equal((52.5, 1200d), (twin.Location!.Latitude, twin.Odometer!.Value));
        Assert.Contains(await Twin(car).GetCommandsAsync(), c => c.Id == command!.Id);
        Assert.Contains(await Twin(car).GetNotificationsAsync(), n => n.Type == "sos");
        Assert.Equal(car, (await Twin(imei).GetAsync())!.Id); // the merged twin forwards
        Assert.Equal(car, await OwnerAsync(invers));
    }

    [Fact]
    public async Task A_registration_claiming_a_vin_or_an_alias_of_a_twin_with_another_vin_is_a_conflict_naming_it()
    {
        var (vin, otherVin, volteras) = (Vin(), Vin(), $"volteras:{Id()}");
        await DeliverAsync(Sources.Volteras, otherVin, volteras, new StateOfChargeReported(10) { At = T0 });

        var byVin = await Twin($"car-{Id()}").RegisterAsync(new VehicleRegistration(otherVin));
        var byAlias = await Twin($"car-{Id()}").RegisterAsync(new VehicleRegistration(vin, [volteras]));

        Assert.Equal(otherVin, Assert.Single(byVin.Conflicts).OwnerTwinId);
        Assert.Null(byVin.Twin.Vin);
        var conflict = Assert.Single(byAlias.Conflicts);
        Assert.Equal((volteras, otherVin), (conflict.Alias, conflict.OwnerTwinId));
        Assert.Equal(otherVin, await OwnerAsync(volteras));
        Assert.Equal(otherVin, await OwnerAsync($"vin:{otherVin}"));
    }

    [Fact]
    public async Task An_unlinked_alias_starts_a_new_twin_on_its_next_delivery()
    {
        var (car, imei) = ($"car-{Id()}", $"imei:{Id()}");
        await Twin(car).RegisterAsync(new VehicleRegistration(Vin(), [imei]));
        await DeliverAsync(Sources.Tracker, null, imei, new LocationReported(1, 1) { At = T0 });

        var unlinked = await Twin(car).UnlinkAliasAsync(imei);
        await DeliverAsync(Sources.Tracker, null, imei, new LocationReported(2, 2) { At = T0.AddMinutes(1) });

        Assert.DoesNotContain(imei, unlinked!.Aliases);
        Assert.Contains(unlinked.AliasHistory, c => c.Alias == imei && c.From == car && c.To is null);
        Assert.Equal(1, (await Twin(car).GetAsync())!.Location!.Latitude);
        Assert.Equal(2, (await Twin(imei).GetAsync())!.Location!.Latitude);
        Assert.Equal(imei, await OwnerAsync(imei));
        Assert.Null(await Twin(car).UnlinkAliasAsync(imei));
    }

    [Fact]
    public async Task A_corrected_vin_resolves_and_the_old_one_is_free_again()
    {
        var (car, wrong, right) = ($"car-{Id()}", Vin(), Vin());
        await Twin(car).RegisterAsync(new VehicleRegistration(wrong));

        var corrected = (await Twin(car).RegisterAsync(new VehicleRegistration(right))).Twin;
        await DeliverAsync(Sources.Volteras, wrong, null, new StateOfChargeReported(33) { At = T0 });

        Assert.Equal(right, corrected.Vin);
        Assert.Equal([$"vin:{right}"], corrected.Aliases);
        Assert.Equal(car, await OwnerAsync($"vin:{right}"));
        Assert.Equal(wrong, await OwnerAsync($"vin:{wrong}"));
        Assert.Null((await Twin(car).GetAsync())!.StateOfCharge);
    }

    [Fact]
    public async Task A_delivery_naming_an_alias_of_a_twin_with_another_vin_but_no_vin_of_its_own_changes_no_identity()
    {
        var (vin, telematica, volteras) = (Vin(), $"telematica:{Id()}", $"volteras:{Id()}");
        await DeliverAsync(Sources.Telematica, vin, telematica, new StateOfChargeReported(40) { At = T0 });
        await DeliverAsync(Sources.Volteras, null, volteras, new StateOfChargeReported(41) { At = T0 });

        // Both aliases, no VIN: not certainly one vehicle. The reading goes to the first alias's twin; nothing merges.
        await router.RouteAsync($"d-{Id()}", Sources.Volteras,
            [new ForVehicle(new VehicleIdentity(null, [telematica, volteras]), [new RangeReported(100) { At = T0.AddMinutes(1) }])]);

        Assert.Equal(100, (await Twin(vin).GetAsync())!.Range!.Value);
        Assert.Equal(volteras, (await Twin(volteras).GetAsync())!.Id);
        Assert.Equal(volteras, await OwnerAsync(volteras));
    }

    [Fact]
    public async Task A_retry_of_a_delivery_applied_before_its_alias_moved_is_still_a_duplicate()
    {
        var (vinA, vinB, vehB) = (Vin(), Vin(), $"volteras:{Id()}");
        await DeliverAsync(Sources.Volteras, vinB, vehB, new OdometerReported(100) { At = T0 });
        var earlyId = $"d-early-{Id()}";
        var early = new ForVehicle(new VehicleIdentity(null, [vehB]), [new RangeReported(50) { At = T0.AddMinutes(1) }]);
        Assert.Equal(new RouteResult(1, 0), await router.RouteAsync(earlyId, Sources.Volteras, [early]));
        await DeliverAsync(Sources.Volteras, vinA, vehB, new OdometerReported(200) { At = T0.AddMinutes(2) });

        // The provider retries the early delivery (its acknowledgement was lost): the alias now names twin A.
        var retried = await router.RouteAsync(earlyId, Sources.Volteras, [early]);

        Assert.True(retried.IsDuplicate);
        Assert.Null((await Twin(vinA).GetAsync())!.Range);
    }
}
