namespace FleetTwins.Abstractions.Notifications;

/// <summary>
/// A notification a twin's rules derived from its state: a stable id, a kebab-case type (the RabbitMQ routing key
/// and the outbound webhook event type), the twin, the source time of the change, why, and the readings behind it.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.Notification")]
public sealed record Notification(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string TwinId,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Reason,
    [property: Id(5)] string DataJson)
{
    /// <summary>The W3C trace context of the delivery that raised it, so its publication joins that trace.</summary>
    [Id(6)] public string? TraceParent { get; init; }
}
