using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Notifications;

namespace FleetTwins.Grains.Rules;

/// <summary>
/// Where one rule stands on one vehicle (pure data, kept in the twin's state): since when its condition holds, since
/// when its clear condition holds while an alert is open, the alert (open, or the last one until the condition has
/// been false again), and when it last notified.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.grains.RuleTrack")]
public sealed record RuleTrack
{
    [Id(0)] public required string RuleId { get; init; }

    /// <summary>Since when (source time) <c>when</c> has held without a break; null while it does not hold.</summary>
    [Id(1)] public DateTimeOffset? HoldingSince { get; init; }

    /// <summary>Since when the clear condition has held while the alert is open; null otherwise.</summary>
    [Id(2)] public DateTimeOffset? ClearingSince { get; init; }

    /// <summary>The open alert; or the last one, cleared while its condition still held, until the condition is false.</summary>
    [Id(3)] public Alert? Alert { get; init; }

    /// <summary>When the rule last notified about this vehicle (for <c>notifyEvery</c>).</summary>
    [Id(4)] public DateTimeOffset? NotifiedAt { get; init; }

    /// <summary>Whether <c>when</c> held at the last evaluation (a re-trigger is a false-to-true change while open).</summary>
    [Id(5)] public bool Held { get; init; }

    /// <summary>True while the track waits on time alone: a <c>for</c> or a <c>clearFor</c> still running.</summary>
    public bool Waiting => Alert is { Open: true } ? ClearingSince is not null : HoldingSince is not null && Alert is null;
}

/// <summary>
/// What the rules decided at one moment (<see cref="At"/>, source time) with the rules of <see cref="RulesVersion"/>:
/// the tracks that changed (their new values), the tracks that ended, and the notifications raised. The twin journals
/// it with the change that caused it and replays it as it is: rules may change later, a replay never decides again.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.grains.RuleDecision")]
public sealed record RuleDecision(
    [property: Id(0)] long RulesVersion,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] IReadOnlyList<RuleTrack> Tracks,
    [property: Id(3)] IReadOnlyList<string> Ended,
    [property: Id(4)] IReadOnlyList<Notification> Raised);
