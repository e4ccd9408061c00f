using Orleans.Providers.Streams.Common;

namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>One received message on its way through the pulling agent's cache to the stream's subscribers.</summary>
[GenerateSerializer]
public sealed class RabbitMQBatchContainer(StreamId streamId, RabbitMQMessage message, EventSequenceTokenV2 token) : IBatchContainer
{
    [Id(0)] public StreamId StreamId { get; } = streamId;

    [Id(1)] public RabbitMQMessage Message { get; } = message;

    [Id(2)] public EventSequenceTokenV2 Token { get; } = token;

    /// <summary>Where to acknowledge it: only meaningful on the silo that received it, never serialized.</summary>
    [NonSerialized] internal ulong DeliveryTag;

    /// <summary>The channel incarnation the delivery tag belongs to.</summary>
    [NonSerialized] internal int ChannelGeneration;

    /// <summary>Returned to the broker after its delivery failed during an outage: the broker delivers it again.</summary>
    [NonSerialized] internal bool HandedBack;

    public StreamSequenceToken SequenceToken => Token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        if (Message is T typed)
        {
            yield return Tuple.Create(typed, (StreamSequenceToken)Token.CreateSequenceTokenForEvent(0));
        }
    }

    public bool ImportRequestContext() => false;
}
