using System.Text.Json;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Alerts;
using FleetTwins.Grains.Identity;
using FleetTwins.Ingestion.Routing;

namespace FleetTwins.Grains.Tests.Alerts;

/// <summary>A provider's alert in the one inbox: how its twin reads as an inbox alert, and that each version reaches the index.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProviderAlertTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static AlertUpdated Update(string status, string? severity, DateTimeOffset at, DateTimeOffset? createdAt = null) =>
        new(status, severity, false, "def", null, null, createdAt, new AlertDefinition("def", "Battery fault", null, "Service the battery", "Battery"), []) { At = at };

    private static AlertState Applied(params AlertUpdated[] updates)
    {
        var state = new AlertState();
        foreach (var update in updates)
        {
            state.Apply("a-1", new TwinEventBatch<AlertEvent>($"d-{update.At.Ticks}", Sources.Volteras, [update]), "car-1");
        }

        return state;
    }

    [Theory]
    [InlineData("CRITICAL", "critical")]
    [InlineData("HIGH", "major")]
    [InlineData("medium", "minor")]
    [InlineData("LOW", "warning")]
    [InlineData("SEVERE", "info")]
    [InlineData(null, "info")]
    public void The_providers_severity_maps_onto_ours(string? provider, string ours) =>
        Assert.Equal(ours, Applied(Update("ACTIVE", provider, T0)).ToInboxAlert()!.Severity);

    [Theory]
    [InlineData("ACTIVE", AlertStatuses.Active)]
    [InlineData("OPEN", AlertStatuses.Active)]
    [InlineData("RESOLVED", AlertStatuses.Cleared)]
    [InlineData("CLOSED", AlertStatuses.Cleared)]
    public void Active_and_open_are_active_resolved_and_closed_are_cleared(string provider, string ours) =>
        Assert.Equal(ours, Applied(Update(provider, "HIGH", T0)).ToInboxAlert()!.Status);

    [Fact]
    public void A_resolved_alert_keeps_when_it_was_raised_and_says_when_it_cleared()
    {
        var alert = Applied(Update("ACTIVE", "HIGH", T0.AddMinutes(1), createdAt: T0), Update("RESOLVED", "HIGH", T0.AddMinutes(9), createdAt: T0))
            .ToInboxAlert()!;

        Assert.Equal(("a-1", "volteras", null, "car-1", "Battery fault"), (alert.Id, alert.Origin, alert.Rule, alert.VehicleId, alert.Name));
        Assert.Equal((T0, T0.AddMinutes(9), T0.AddMinutes(9), 2L), (alert.RaisedAt, alert.ClearedAt, alert.UpdatedAt, alert.Version));
        Assert.Equal([AlertStatuses.Active, AlertStatuses.Cleared], alert.Timeline.Select(s => s.Status));
        Assert.Equal("Service the battery", JsonDocument.Parse(alert.Values).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void Without_createdAt_an_alert_was_raised_at_its_first_update() =>
        Assert.Equal(T0, Applied(Update("ACTIVE", "LOW", T0), Update("ACTIVE", "HIGH", T0.AddMinutes(3))).ToInboxAlert()!.RaisedAt);

    [Fact]
    public async Task Each_applied_version_reaches_the_alert_index_and_an_older_update_does_not()
    {
        var router = new TwinEventRouter(fixture.Client, new AliasLookup(fixture.Client));
        var vin = ("WBY" + Guid.NewGuid().ToString("N").ToUpperInvariant())[..17];
        var alertId = Guid.NewGuid().ToString("N")[..12];
        async Task RouteAsync(AlertUpdated update) =>
            await router.RouteAsync($"d-{Guid.NewGuid():N}", Sources.Volteras, [new ForAlert(alertId, update with { Vin = vin }, new VehicleIdentity(vin, []))]);

        await RouteAsync(Update("ACTIVE", "HIGH", T0, createdAt: T0));
        var raised = await fixture.Alerts.GetAsync(alertId, CancellationToken.None);
        await RouteAsync(Update("RESOLVED", "HIGH", T0.AddMinutes(5)));
        await RouteAsync(Update("ACTIVE", "HIGH", T0.AddMinutes(1)));

        Assert.Equal((AlertStatuses.Active, "major", vin, 1L), (raised!.Status, raised.Severity, raised.VehicleId, raised.Version));
        var cleared = await fixture.Alerts.GetAsync(alertId, CancellationToken.None);
        Assert.Equal((AlertStatuses.Cleared, 2L, T0), (cleared!.Status, cleared.Version, cleared.RaisedAt));
    }
}
