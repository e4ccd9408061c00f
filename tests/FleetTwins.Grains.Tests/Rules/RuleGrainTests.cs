using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Rules;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Rules;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;

namespace FleetTwins.Grains.Tests.Rules;

/// <summary>Operators' rules evaluated by the twins of a two-silo cluster (fake clock; every rule scoped to its test's twin).</summary>
[Collection(ClusterCollection.Name)]
public sealed class RuleGrainTests(ClusterFixture fixture)
{
    private IVehicleTwinGrain Vehicle(string id) => fixture.Client.GetGrain<IVehicleTwinGrain>(id);

    private IRuleRegistryGrain Registry => fixture.Client.GetGrain<IRuleRegistryGrain>(IRuleRegistryGrain.Key);

    private static readonly VehicleIdentity Anonymous = new(null, []);

    private static TwinEventBatch<VehicleEvent> Batch(string deliveryId, params VehicleEvent[] events) => new(deliveryId, Sources.Volteras, events);

    /// <summary>A twin with one reading, and a rule that watches it alone, seen by the twin's silo.</summary>
    private async Task<(string TwinId, string RuleId)> TwinWithRuleAsync(string when, TimeSpan @for, double soc = 50)
    {
        var id = $"rules-{Guid.NewGuid():N}";
        await Vehicle(id).ApplyAsync(Batch($"d-{Guid.NewGuid():N}", new StateOfChargeReported(soc) { At = fixture.Clock.GetUtcNow() }), Anonymous);
        var rule = new Rule { Id = $"r-{Guid.NewGuid():N}"[..30], Name = "test rule", When = when, For = @for, Severity = "minor", AppliesTo = $"id = {id}" };
        Assert.Equal(RuleWrite.Created, await Registry.PutAsync(rule, create: true));
        await Vehicle(id).EvaluateRulesAsync(await Registry.GetVersionAsync());
        return (id, rule.Id);
    }

    /// <summary>Waits until the fleet projection holds a row matching <paramref name="filter"/>.</summary>
    private Task InProjectionAsync(string filter) => Eventually.UntilAsync(async () =>
        (await fixture.Projection.SearchAsync(new(FilterParser.Parse(filter), SortOrder.ById, 1, null), filter, fixture.Clock.GetUtcNow(), default)).Items.Count == 1);

    private IReadOnlyList<Abstractions.Notifications.Notification> Raised(string twinId, string type) =>
        [.. fixture.Sink.Received.Where(n => n.TwinId == twinId && n.Type == type)];

    [Fact]
    public async Task A_vehicle_that_goes_quiet_below_the_threshold_still_raises_after_its_duration()
    {
        var (id, rule) = await TwinWithRuleAsync("soc < 20", TimeSpan.FromMinutes(10));

        await Vehicle(id).ApplyAsync(Batch($"d-{Guid.NewGuid():N}", new StateOfChargeReported(15) { At = fixture.Clock.GetUtcNow() }), Anonymous);
        Assert.Empty(await Vehicle(id).GetRuleAlertsAsync());
        fixture.Clock.Advance(TimeSpan.FromMinutes(11));

        await Eventually.UntilAsync(async () => (await Vehicle(id).GetRuleAlertsAsync()).Count == 1);
        var alert = (await Vehicle(id).GetRuleAlertsAsync()).Single();
        Assert.Equal(rule, alert.Rule);
        Assert.Equal(AlertStatuses.Active, alert.Status);
        await Eventually.UntilAsync(() => Task.FromResult(Raised(id, RuleEvaluation.Raised).Count == 1));
        Assert.Contains((await Vehicle(id).GetAsync())!.ActiveAlerts, a => a.Id == alert.Id && a.Kind == "rule");
    }

    [Fact]
    public async Task A_change_of_master_data_that_brings_a_vehicle_into_a_rule_raises_without_a_reading()
    {
        var (id, rule) = await TwinWithRuleAsync("group = vans and soc < 20", TimeSpan.Zero, soc: 12);
        Assert.Empty(await Vehicle(id).GetRuleAlertsAsync());

        await Vehicle(id).SetMasterDataAsync(new MasterDataPatch(MasterDataMembers.Group, Group: "vans"), "key:test");

        Assert.Equal(rule, Assert.Single(await Vehicle(id).GetRuleAlertsAsync()).Rule);
        await Eventually.UntilAsync(() => Task.FromResult(Raised(id, RuleEvaluation.Raised).Count == 1));
    }

    [Fact]
    public async Task A_redelivered_reading_raises_nothing_new()
    {
        var (id, _) = await TwinWithRuleAsync("soc < 20", TimeSpan.Zero);
        var delivery = Batch($"d-{Guid.NewGuid():N}", new StateOfChargeReported(12) { At = fixture.Clock.GetUtcNow() });

        Assert.Equal(ApplyOutcome.Applied, await Vehicle(id).ApplyAsync(delivery, Anonymous));
        Assert.Equal(ApplyOutcome.Duplicate, await Vehicle(id).ApplyAsync(delivery, Anonymous));
        await Eventually.UntilAsync(() => Task.FromResult(Raised(id, RuleEvaluation.Raised).Count == 1));
        await Vehicle(id).EvaluateRulesAsync(await Registry.GetVersionAsync());

        Assert.Single(await Vehicle(id).GetNotificationsAsync(), n => n.Type == RuleEvaluation.Raised);
        Assert.Equal(1, (await Vehicle(id).GetRuleAlertsAsync()).Single().Count);
    }

    [Fact]
    public async Task A_new_rule_reaches_an_active_twin_that_already_matches_without_a_reading()
    {
        var id = $"rules-{Guid.NewGuid():N}";
        await Vehicle(id).ApplyAsync(Batch($"d-{Guid.NewGuid():N}", new StateOfChargeReported(8) { At = fixture.Clock.GetUtcNow() }), Anonymous);
        await InProjectionAsync($"id = {id}");

        await Registry.PutAsync(new Rule { Id = $"r-{Guid.NewGuid():N}"[..30], Name = "new", When = "soc < 10", Severity = "critical", AppliesTo = $"id = {id}" }, create: true);

        await Eventually.UntilAsync(async () => (await Vehicle(id).GetRuleAlertsAsync()).Count == 1);
    }

    [Fact]
    public async Task Acknowledging_and_clearing_are_journaled_and_survive_a_restart_of_the_twin()
    {
        var (id, _) = await TwinWithRuleAsync("soc < 20", TimeSpan.Zero);
        await Vehicle(id).ApplyAsync(Batch($"d-{Guid.NewGuid():N}", new StateOfChargeReported(10) { At = fixture.Clock.GetUtcNow() }), Anonymous);
        var alert = (await Vehicle(id).GetRuleAlertsAsync()).Single();

        var acknowledged = await Vehicle(id).ActOnAlertAsync(alert.Id, clear: false, "key:ops", "looking");
        var cleared = await Vehicle(id).ActOnAlertAsync(alert.Id, clear: true, "key:ops", "towed");
        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal(AlertStatuses.Acknowledged, acknowledged!.Status);
        Assert.Equal(AlertStatuses.Closed, cleared!.Status);
        var held = (await Vehicle(id).GetRuleAlertsAsync()).Single();
        Assert.Equal((cleared.Id, cleared.Status, cleared.Version), (held.Id, held.Status, held.Version));
        Assert.Null(await Vehicle(id).ActOnAlertAsync("alr_unknown", clear: true, "key:ops", null));
        await Eventually.UntilAsync(() => Task.FromResult(Raised(id, RuleEvaluation.Cleared).Count == 1 && Raised(id, RuleEvaluation.Acknowledged).Count == 1));
    }

    [Fact]
    public async Task Deleting_a_rule_clears_its_open_alerts()
    {
        var (id, rule) = await TwinWithRuleAsync("soc < 20", TimeSpan.Zero, soc: 5);
        Assert.Single(await Vehicle(id).GetRuleAlertsAsync());
        // The rollout finds its candidates in the fleet projection, which the silos' feeds write every 100 ms.
        await InProjectionAsync($"id = {id} and alerts > 0");

        Assert.True(await Registry.DeleteAsync(rule));

        await Eventually.UntilAsync(async () => (await Vehicle(id).GetRuleAlertsAsync()).Count == 0);
        await Eventually.UntilAsync(() => Task.FromResult(Raised(id, RuleEvaluation.Cleared).Count == 1));
        Assert.Contains("rule-deleted", Raised(id, RuleEvaluation.Cleared).Single().DataJson);
    }
}
