using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Grains.Vehicles;
using FleetTwins.Search.Filters;

namespace FleetTwins.Grains.Rules;

/// <summary>
/// The rules on one vehicle (pure): given where each rule stands (<see cref="RuleTrack"/>), the vehicle's row and a
/// moment, decides what changes — a condition starting or stopping to hold, an alert raised after <c>for</c>, cleared
/// after <c>clearFor</c>, re-triggered while open — and the notifications that go with it. Time is the readings' source
/// time while they arrive, and the twin's clock when a timer asks while the vehicle is silent.
/// </summary>
public static class RuleEvaluation
{
    /// <summary>The alert notification types.</summary>
    public const string Raised = "alert-raised";
    public const string Acknowledged = "alert-acknowledged";
    public const string Cleared = "alert-cleared";

    /// <summary>
    /// What the rules decide for <paramref name="vehicle"/> at <paramref name="at"/> (<paramref name="previous"/>: the
    /// vehicle before the change, for <c>changed()</c>); null when nothing changes.
    /// </summary>
    public static RuleDecision? Decide(
        string twinId, IReadOnlyDictionary<string, RuleTrack> tracks, VehicleSummary vehicle, VehicleSummary? previous, CompiledRules rules, DateTimeOffset at)
    {
        var changed = new List<RuleTrack>();
        var ended = new List<string>();
        var raised = new List<Notification>();
        var tracked = 0; // the tracks of rules that still exist (rule ids are unique): fewer than all means some rule was deleted
        foreach (var rule in rules.Rules)
        {
            var track = tracks.GetValueOrDefault(rule.Rule.Id);
            tracked += track is null ? 0 : 1;
            if (!rule.Watches(vehicle, at))
            {
                if (track is not null)
                {
                    End(twinId, track, rule.Rule.Enabled ? "rule-no-longer-applies" : "rule-disabled", at, ended, raised);
                }

                continue;
            }

            var holds = FilterEvaluator.Matches(rule.When, vehicle, at, previous);
            if (track is null && !holds)
            {
                continue; // an untracked rule that does not hold stays idle: nothing to allocate or decide
            }

            var next = Step(twinId, track ?? new RuleTrack { RuleId = rule.Rule.Id }, rule, holds, vehicle, previous, at, raised);
            if (next != track && !(track is null && Idle(next)))
            {
                if (Idle(next))
                {
                    ended.Add(next.RuleId);
                }
                else
                {
                    changed.Add(next);
                }
            }
        }

        if (tracked < tracks.Count)
        {
            var live = rules.Rules.Select(r => r.Rule.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var track in tracks.Values.Where(t => !live.Contains(t.RuleId)))
            {
                End(twinId, track, "rule-deleted", at, ended, raised);
            }
        }

        return changed.Count == 0 && ended.Count == 0 ? null : new RuleDecision(rules.Version, at, changed, ended, raised);
    }

    /// <summary>
    /// An operator acknowledges (<paramref name="clear"/> false) or clears an alert the twin holds: the decision (empty
    /// when the alert already is so) and the alert as it then is; null when the twin holds no such alert.
    /// </summary>
    public static (RuleDecision Decision, Alert Alert)? Act(
        string twinId, IReadOnlyDictionary<string, RuleTrack> tracks, string alertId, bool clear, string by, string? reason,
        long rulesVersion, DateTimeOffset at)
    {
        if (tracks.Values.FirstOrDefault(t => t.Alert?.Id == alertId) is not { Alert: { } alert } track)
        {
            return null;
        }

        var raised = new List<Notification>();
        Alert next;
        if (clear)
        {
            if (!alert.Open)
            {
                return (new RuleDecision(rulesVersion, at, [], [], []), alert);
            }

            next = Close(alert, at, by, reason ?? "cleared by an operator");
        }
        else
        {
            if (alert.AcknowledgedAt is not null)
            {
                return (new RuleDecision(rulesVersion, at, [], [], []), alert);
            }

            next = alert with
            {
                Status = alert.Open ? AlertStatuses.Acknowledged : AlertStatuses.Closed,
                AcknowledgedAt = at,
                AcknowledgedBy = by,
                Timeline = Step(alert, new AlertStep(alert.Open ? AlertStatuses.Acknowledged : AlertStatuses.Closed, at, by, reason)),
            };
        }

        next = Bump(next, at);
        raised.Add(Notify(twinId, clear ? Cleared : Acknowledged, next, at));
        // Cleared by hand while the condition holds: the track keeps the alert, so it is not raised again before the
        // condition has been false.
        var updated = track with { Alert = next, ClearingSince = null, HoldingSince = null };
        var decision = !next.Open && !track.Held
            ? new RuleDecision(rulesVersion, at, [], [track.RuleId], raised)
            : new RuleDecision(rulesVersion, at, [updated], [], raised);
        return (decision, next);
    }

    /// <summary>One rule on one vehicle at <paramref name="at"/>, whose <c>when</c> <paramref name="holds"/> or not.</summary>
    private static RuleTrack Step(
        string twinId, RuleTrack track, CompiledRule rule, bool holds, VehicleSummary vehicle, VehicleSummary? previous, DateTimeOffset at, List<Notification> raised)
    {
        var holdingSince = holds ? track.HoldingSince ?? at : (DateTimeOffset?)null;
        var next = holds == track.Held && holdingSince == track.HoldingSince ? track : track with { Held = holds, HoldingSince = holdingSince };
        if (track.Alert is { Open: true } open)
        {
            if (holds && !track.Held)
            {
                open = Bump(open with { Count = open.Count + 1 }, at);
                next = next with { Alert = open };
                if (rule.Rule.NotifyEvery is { } every && (track.NotifiedAt is not { } last || at - last >= every))
                {
                    raised.Add(Notify(twinId, Raised, open, at));
                    next = next with { NotifiedAt = at };
                }
            }

            var clearing = FilterEvaluator.Matches(rule.ClearWhen, vehicle, at, previous) ? track.ClearingSince ?? at : (DateTimeOffset?)null;
            next = next with { ClearingSince = clearing };
            if (clearing is { } since && at - since >= rule.Rule.ClearFor)
            {
                var closed = Bump(Close(open, at, "rule", "the condition cleared"), at);
                raised.Add(Notify(twinId, Cleared, closed, at));
                next = next with { Alert = holds ? closed : null, ClearingSince = null };
            }

            return next;
        }

        if (track.Alert is not null)
        {
            // Cleared while the condition held: raised again only once it has been false.
            return holds ? next with { HoldingSince = null } : next with { Alert = null };
        }

        if (holdingSince is { } start && at - start >= rule.Rule.For)
        {
            var alert = Raise(twinId, rule, vehicle, start, at);
            raised.Add(Notify(twinId, Raised, alert, at));
            next = next with { Alert = alert, NotifiedAt = at, ClearingSince = null };
        }

        return next;
    }

    /// <summary>The rule no longer watches the vehicle: its open alert clears, with why.</summary>
    private static void End(string twinId, RuleTrack track, string reason, DateTimeOffset at, List<string> ended, List<Notification> raised)
    {
        ended.Add(track.RuleId);
        if (track.Alert is { Open: true } open)
        {
            raised.Add(Notify(twinId, Cleared, Bump(Close(open, at, "rule", reason), at), at));
        }
    }

    private static bool Idle(RuleTrack track) => track.Alert is null && track.HoldingSince is null && !track.Held;

    private static Alert Raise(string twinId, CompiledRule rule, VehicleSummary vehicle, DateTimeOffset since, DateTimeOffset at)
    {
        var values = new JsonObject();
        foreach (var field in rule.Reads)
        {
            values[field.Name] = field.Read(vehicle) is { } value ? JsonSerializer.SerializeToNode(value, JsonSerializerOptions.Web) : null;
        }

        var id = "alr_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{twinId}|{rule.Rule.Id}|{since.UtcTicks}")))[..24];
        return new Alert
        {
            Id = id,
            Rule = rule.Rule.Id,
            Origin = "rule",
            VehicleId = twinId,
            Name = rule.Rule.Name,
            Severity = rule.Rule.Severity,
            Status = AlertStatuses.Active,
            RaisedAt = VehicleSummary.Micros(at),
            Values = values.ToJsonString(),
            Timeline = new[] { new AlertStep(AlertStatuses.Active, VehicleSummary.Micros(at), "rule", $"{rule.Rule.When} held since {since:O}") },
            Version = 1,
            UpdatedAt = VehicleSummary.Micros(at),
        };
    }

    /// <summary>Cleared; closed when it was acknowledged.</summary>
    private static Alert Close(Alert alert, DateTimeOffset at, string by, string reason)
    {
        var status = alert.AcknowledgedAt is null ? AlertStatuses.Cleared : AlertStatuses.Closed;
        return alert with { Status = status, ClearedAt = VehicleSummary.Micros(at), Timeline = Step(alert, new AlertStep(status, VehicleSummary.Micros(at), by, reason)) };
    }

    /// <summary>The timeline with one more step, as an array: stored state holds no compiler-made collection types (storage serializers name the type).</summary>
    private static AlertStep[] Step(Alert alert, AlertStep step) => [.. alert.Timeline, step];

    private static Alert Bump(Alert alert, DateTimeOffset at) => alert with { Version = alert.Version + 1, UpdatedAt = VehicleSummary.Micros(at) };

    /// <summary>An alert notification: its data is the alert as it now is.</summary>
    private static Notification Notify(string twinId, string type, Alert alert, DateTimeOffset at) =>
        NotificationRules.Create(twinId, type, at, $"{alert.Name}: {alert.Status}", alert);
}
