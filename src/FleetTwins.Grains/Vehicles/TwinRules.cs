using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Grains.Rules;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// The operators' rules as one twin asks them: what they decide on its state at a moment (a delivery's newest reading,
/// or the twin's clock while the vehicle is silent), and what an operator's acknowledgement or clearing decides. The
/// twin applies and journals the decision; a replay applies it as journaled (<see cref="RuleDecision"/>).
/// </summary>
internal sealed class TwinRules(string twinId, Func<VehicleTwinState> state, RuleCatalog catalog)
{
    private VehicleTwinState State => state();

    /// <summary>The vehicle's row before a change, when rules may ask what it changed (<c>changed()</c>); null otherwise.</summary>
    public VehicleSummary? Before() => catalog.Any && State.Exists ? State.ToSummary(twinId) : null;

    /// <summary>
    /// What the rules decide at <paramref name="at"/> (the change from <paramref name="before"/>), with rules at least as
    /// new as <paramref name="rulesVersion"/>; null when nothing changes.
    /// </summary>
    public async ValueTask<RuleDecision?> DecideAsync(DateTimeOffset at, VehicleSummary? before = null, long rulesVersion = 0)
    {
        var rules = await catalog.GetAsync(Math.Max(rulesVersion, State.RulesVersion));
        return rules.Rules.Count == 0 && State.RuleTracks.Count == 0
            ? null
            : RuleEvaluation.Decide(twinId, State.RuleTracks, State.ToSummary(twinId), before, rules, State.RulesMoment(at));
    }

    /// <summary>An operator's acknowledgement or clearing of <paramref name="alertId"/>, and the alert then; null when the twin holds no such alert.</summary>
    public (RuleDecision Decision, Alert Alert)? Act(string alertId, bool clear, string by, string? reason, DateTimeOffset now) =>
        RuleEvaluation.Act(twinId, State.RuleTracks, alertId, clear, by, reason, State.RulesVersion, State.RulesMoment(now));

    /// <summary>The alerts the rules hold on this twin, newest first.</summary>
    public IReadOnlyList<Alert> Alerts() =>
        [.. State.RuleTracks.Values.Select(t => t.Alert).OfType<Alert>().OrderByDescending(a => a.RaisedAt)];
}
