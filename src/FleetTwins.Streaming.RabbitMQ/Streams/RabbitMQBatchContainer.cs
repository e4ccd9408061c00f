using Orleans.Providers.Streams.Common;

namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>
/// One received message on its way through the pulling agent's cache to the stream's subscribers: what they consume
/// (the message, or the item the stream mapper made of it) travels with the batch.
/// </summary>
[GenerateSerializer, Alias("ft.rabbitmq.RabbitMQBatchContainer")]
public sealed class RabbitMQBatchContainer(StreamId streamId, object item, EventSequenceTokenV2 token) : IBatchContainer
{
    [Id(0)] public StreamId StreamId { get; } = streamId;

    /// <summary>The event subscribers receive: a <see cref="RabbitMQMessage"/>, or the stream mapper's item.</summary>
    [Id(1)] public object Item { get; } = item;

    [Id(2)] public EventSequenceTokenV2 Token { get; } = token;

    /// <summary>The message as received, to park or hand back: only on the silo that received it, never serialized.</summary>
    [NonSerialized] internal RabbitMQMessage Message = null!;

    /// <summary>Where to acknowledge it: only meaningful on the silo that received it, never serialized.</summary>
    [NonSerialized] internal ulong DeliveryTag;

    /// <summary>The channel incarnation the delivery tag belongs to.</summary>
    [NonSerialized] internal int ChannelGeneration;

    /// <summary>Returned to the broker after its delivery failed during an outage: the broker delivers it again.</summary>
    [NonSerialized] internal bool HandedBack;

    public StreamSequenceToken SequenceToken => Token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        if (Item is T typed)
        {
            yield return Tuple.Create(typed, (StreamSequenceToken)Token.CreateSequenceTokenForEvent(0));
        }
    }

    public bool ImportRequestContext() => false;
}
