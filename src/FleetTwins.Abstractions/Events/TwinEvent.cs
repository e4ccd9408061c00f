namespace FleetTwins.Abstractions.Events;

/// <summary>Names of the providers events come from, as they appear in every reading's <c>source</c>.</summary>
public static class Sources
{
    public const string Telematica = "telematica";
    public const string Volteras = "volteras";
    public const string Tracker = "tracker";
    public const string Invers = "invers";
    public const string Api = "api";

    /// <summary>FleetTwins itself, for what it decides on its own (a command timing out or superseded).</summary>
    public const string FleetTwins = "fleettwins";
}

/// <summary>One canonical fact about a twin, stamped with the source's own time of it.</summary>
[GenerateSerializer, Alias("ft.TwinEvent")]
public abstract record TwinEvent
{
    /// <summary>When the fact held at the source (not when it was delivered).</summary>
    [Id(0)] public DateTimeOffset At { get; init; }

    /// <summary>
    /// What the provider sent with this fact that FleetTwins does not model, as a JSON object (bounded, see the
    /// parsers): kept on the reading the fact becomes, so nothing a provider says is silently dropped.
    /// </summary>
    [Id(1)] public string? Extra { get; init; }
}

/// <summary>
/// The canonical events one provider delivery carries for one twin. <see cref="DeliveryId"/> is stable across
/// redeliveries (svix-id, AMQP message id, or a content hash), so a twin applies a delivery once.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.TwinEventBatch`1")]
public sealed record TwinEventBatch<TEvent>(
    [property: Id(0)] string DeliveryId,
    [property: Id(1)] string Source,
    [property: Id(2)] IReadOnlyList<TEvent> Events)
    where TEvent : TwinEvent;

/// <summary>What a twin did with a delivery.</summary>
[GenerateSerializer]
public enum ApplyOutcome
{
    /// <summary>Applied and persisted.</summary>
    Applied,

    /// <summary>Seen before: nothing changed, and that is not an error.</summary>
    Duplicate,

    /// <summary>
    /// Not this twin's: the delivery names a VIN it does not hold, or none of its identifiers is this twin's any more (a
    /// stale alias cache). Nothing changed; the router resolves the identity again.
    /// </summary>
    Refused,
}
