using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Rules;

namespace FleetTwins.Grains.Vehicles;

/// <summary>The operators' rules on this vehicle: where each stands, and the alerts they hold open (docs/RULES.md).</summary>
public sealed partial class VehicleTwinState
{
    /// <summary>Where each rule that is not idle stands on this vehicle, by rule id.</summary>
    [Id(46)] public Dictionary<string, RuleTrack> RuleTracks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The moment the rules last decided at: their clock only moves forward.</summary>
    [Id(47)] public DateTimeOffset? RulesAt { get; set; }

    /// <summary>The newest rules version this twin decided with: it never decides with older rules (a silo that lags).</summary>
    [Id(48)] public long RulesVersion { get; set; }

    /// <summary>True while a rule waits on time alone (a <c>for</c> or <c>clearFor</c> running): the timeout reminder then keeps ticking.</summary>
    public bool RulesWaiting => RuleTracks.Values.Any(t => t.Waiting);

    /// <summary>The moment rules decide at for a change whose readings are as new as <paramref name="at"/>: never before the last one.</summary>
    public DateTimeOffset RulesMoment(DateTimeOffset at) => RulesAt is { } last && last > at ? last : at;

    /// <summary>Applies what the rules decided (pure: as decided, also when replayed), with the notifications they raised.</summary>
    public void Apply(RuleDecision decision, string? traceParent)
    {
        foreach (var track in decision.Tracks)
        {
            RuleTracks[track.RuleId] = track;
        }

        foreach (var ended in decision.Ended)
        {
            RuleTracks.Remove(ended);
        }

        RulesAt = RulesMoment(decision.At);
        RulesVersion = Math.Max(RulesVersion, decision.RulesVersion);
        Record(decision.Raised, traceParent);
    }

    /// <summary>The open alerts of the rules, as the twin lists its active alerts.</summary>
    private IEnumerable<ActiveAlert> RuleAlerts() =>
        RuleTracks.Values.Select(t => t.Alert).OfType<Alert>().Where(a => a.Open)
            .Select(a => new ActiveAlert(a.Id, "rule", a.Severity, a.Name, a.RaisedAt, a.Rule ?? "rule"));
}
