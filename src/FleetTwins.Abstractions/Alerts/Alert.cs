using System.Text.Json.Serialization;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Abstractions.Alerts;

/// <summary>
/// An alert as the operator's one inbox shows it: raised by one of our rules (<see cref="Origin"/> <c>rule</c>) or by a
/// provider (its name). Statuses: <c>active</c>, <c>acknowledged</c>, <c>cleared</c>, <c>closed</c> (cleared and
/// acknowledged). Times are whole microseconds, as the index stores them.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.Alert")]
public sealed record Alert
{
    [Id(0)] public required string Id { get; init; }

    /// <summary>The rule that raised it; null for a provider's alert.</summary>
    [Id(1)] public string? Rule { get; init; }

    /// <summary><c>rule</c> for ours, the provider's name for theirs.</summary>
    [Id(2)] public required string Origin { get; init; }

    [Id(3)] public string? VehicleId { get; init; }

    /// <summary>The rule's name, or the provider's title.</summary>
    [Id(4)] public string? Name { get; init; }

    /// <summary><c>critical</c>, <c>major</c>, <c>minor</c>, <c>warning</c> or <c>info</c>.</summary>
    [Id(5)] public required string Severity { get; init; }

    [Id(6)] public required string Status { get; init; }
    [Id(7)] public required DateTimeOffset RaisedAt { get; init; }
    [Id(8)] public DateTimeOffset? ClearedAt { get; init; }
    [Id(9)] public DateTimeOffset? AcknowledgedAt { get; init; }

    /// <summary>The API key (its name) that acknowledged it.</summary>
    [Id(10)] public string? AcknowledgedBy { get; init; }

    /// <summary>1 when raised; grows with each re-trigger while the alert is open.</summary>
    [Id(11)] public int Count { get; init; } = 1;

    /// <summary>The values that raised it, as a JSON object (the fields its condition reads).</summary>
    [Id(12), JsonConverter(typeof(RawJsonConverter))] public string Values { get; init; } = "{}";

    [Id(13)] public IReadOnlyList<AlertStep> Timeline { get; init; } = [];

    /// <summary>Grows with every change: an index never replaces an alert with an older one.</summary>
    [Id(14)] public long Version { get; init; }

    [Id(15)] public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>True while the alert is active or acknowledged (not yet cleared).</summary>
    [JsonIgnore] public bool Open => Status is AlertStatuses.Active or AlertStatuses.Acknowledged;
}

/// <summary>One step of an alert's timeline: what its status became, when, by whom (an API key or <c>rule</c>), and why.</summary>
[GenerateSerializer, Immutable, Alias("ft.AlertStep")]
public sealed record AlertStep(
    [property: Id(0)] string Status,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string? By,
    [property: Id(3)] string? Reason);

/// <summary>The alert statuses and severities, as the API and the filter language write them.</summary>
public static class AlertStatuses
{
    public const string Active = "active";
    public const string Acknowledged = "acknowledged";
    public const string Cleared = "cleared";
    public const string Closed = "closed";

    public static readonly IReadOnlyList<string> Severities = ["critical", "major", "minor", "warning", "info"];
}
