using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Geofences;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Geofences;
using FleetTwins.Grains.Rules;
using Microsoft.Extensions.DependencyInjection;

namespace FleetTwins.Grains.Tests.Geofences;

/// <summary>Geofences decided by vehicle twins of a two-silo cluster, journaled with the delivery and asked by rules.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GeofenceTwinTests(ClusterFixture fixture)
{
    private static readonly VehicleIdentity Anonymous = new(null, []);

    private IVehicleTwinGrain Vehicle(string id) => fixture.Client.GetGrain<IVehicleTwinGrain>(id);

    /// <summary>A circle of 200 m at a place of its own, seen by every silo's catalogue.</summary>
    private async Task<(string Id, double Latitude, double Longitude)> DepotAsync()
    {
        var (latitude, longitude) = (48 + Random.Shared.NextDouble(), 11 + Random.Shared.NextDouble());
        var id = $"depot-{Guid.NewGuid():N}"[..20];
        await fixture.Client.GetGrain<IGeofenceRegistryGrain>(GeofenceRegistry.Key).PutAsync(new Geofence
        {
            Id = id,
            Name = "Depot",
            Circle = new GeofenceCircle(new GeofenceCenter(latitude, longitude), 200),
            MinDwell = TimeSpan.FromMinutes(1),
        }, createOnly: true);
        foreach (var silo in fixture.Cluster.Silos)
        {
            await silo.ServiceProvider.GetRequiredService<GeofenceCatalog>().RefreshAsync();
        }

        return (id, latitude, longitude);
    }

    private Task<ApplyOutcome> AtAsync(string twin, double latitude, double longitude, DateTimeOffset at) => Vehicle(twin).ApplyAsync(
        new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Volteras, [new LocationReported(latitude, longitude) { At = at }]), Anonymous);

    [Fact]
    public async Task Jitter_at_the_border_raises_nothing_and_a_stay_of_min_dwell_enters_once_across_a_restart()
    {
        var (depot, latitude, longitude) = await DepotAsync();
        var twin = $"fence-{Guid.NewGuid():N}";
        var t0 = fixture.Clock.GetUtcNow();
        const double Inside = 0.0005, Outside = 0.01;

        for (var i = 0; i < 6; i++)
        {
            await AtAsync(twin, latitude + (i % 2 == 0 ? Inside : Outside), longitude, t0.AddSeconds(10 * i));
        }

        Assert.DoesNotContain(await Vehicle(twin).GetNotificationsAsync(), n => n.Type == GeofenceNotifications.Entered);
        await AtAsync(twin, latitude, longitude, t0.AddSeconds(60));
        await AtAsync(twin, latitude, longitude, t0.AddSeconds(125));
        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await AtAsync(twin, latitude, longitude, t0.AddSeconds(130));

        var entered = Assert.Single(await Vehicle(twin).GetNotificationsAsync(), n => n.Type == GeofenceNotifications.Entered);
        Assert.Contains(depot, entered.DataJson);
    }

    [Fact]
    public async Task A_rule_asks_inside_of_a_geofence_the_twin_entered()
    {
        var (depot, latitude, longitude) = await DepotAsync();
        var twin = $"fence-{Guid.NewGuid():N}";
        var t0 = fixture.Clock.GetUtcNow();
        await AtAsync(twin, latitude, longitude, t0);
        var registry = fixture.Client.GetGrain<Abstractions.Rules.IRuleRegistryGrain>(Abstractions.Rules.IRuleRegistryGrain.Key);
        await registry.PutAsync(new Abstractions.Rules.Rule
        {
            Id = $"r-{Guid.NewGuid():N}"[..30],
            Name = "at the depot",
            When = $"inside({depot})",
            Severity = "info",
            AppliesTo = $"id = {twin}",
        }, create: true);
        await Vehicle(twin).EvaluateRulesAsync(await registry.GetVersionAsync());

        await AtAsync(twin, latitude, longitude, t0.AddMinutes(2));

        var alert = Assert.Single(await Vehicle(twin).GetRuleAlertsAsync());
        Assert.Contains(depot, alert.Values);
        Assert.Contains(RuleEvaluation.Raised, (await Vehicle(twin).GetNotificationsAsync()).Select(n => n.Type));
    }
}
