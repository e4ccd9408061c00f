namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>One AMQP message as subscribers receive it: the body and the properties a consumer needs.</summary>
[GenerateSerializer, Immutable, Alias("ft.rabbitmq.RabbitMQMessage")]
public sealed record RabbitMQMessage(
    [property: Id(0)] string Queue,
    [property: Id(1)] byte[] Body,
    [property: Id(2)] string? MessageId,
    [property: Id(3)] string? Type,
    [property: Id(4)] string? CorrelationId,
    [property: Id(5)] long? Timestamp,
    [property: Id(6)] IReadOnlyDictionary<string, string> Headers,
    [property: Id(7)] bool Redelivered);

/// <summary>What a stream mapper decides for one received message.</summary>
public readonly record struct RabbitMQMapping(StreamId? StreamId, string? ParkReason, object? Item = null)
{
    /// <summary>
    /// Deliver on this stream: the message itself, or <paramref name="item"/> when the mapper already read the message
    /// into what subscribers consume (so that it is read once, not again by each subscriber). An item crosses silos
    /// with the batch: it must be serializable by Orleans.
    /// </summary>
    public static RabbitMQMapping Deliver(StreamId streamId, object? item = null) => new(streamId, null, item);

    /// <summary>Park the message with this reason (and acknowledge it): it can never be delivered as it is.</summary>
    public static RabbitMQMapping Park(string reason) => new(null, reason);

    /// <summary>Acknowledge the message without delivering it (e.g. a type nobody consumes).</summary>
    public static RabbitMQMapping Skip => default;
}

/// <summary>
/// The application's half of the provider: which stream a message belongs to. Called once per received message,
/// before it enters the cache; it must not do I/O.
/// </summary>
public interface IRabbitMQStreamMapper
{
    RabbitMQMapping Map(RabbitMQMessage message);
}
