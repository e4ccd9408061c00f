using FleetTwins.Amqp;
using FleetTwins.Streaming.RabbitMQ.Options;
using FleetTwins.Streaming.RabbitMQ.Parking;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>The queue adapter: receivers per AMQP queue, and publishing for producers.</summary>
public sealed class RabbitMQQueueAdapter(
    string name,
    RabbitMQStreamOptions options,
    RabbitMQQueueMapper mapper,
    IRabbitMQStreamMapper streamMapper,
    RabbitMQParkingLot parking,
    ILoggerFactory loggers) : IQueueAdapter
{
    private readonly ConfirmedPublisher publisher = new(options.ConnectionString, $"fleettwins-{name}-publisher");

    /// <summary>The receiver of each queue this silo pulls now (the failure handler parks through it).</summary>
    internal Dictionary<QueueId, RabbitMQQueueAdapterReceiver> Receivers { get; } = [];

    public string Name => name;

    /// <summary>A queue cannot be re-read from an earlier point: redelivery comes only from the broker.</summary>
    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var receiver = new RabbitMQQueueAdapterReceiver(mapper.QueueName(queueId), options, streamMapper, parking,
            loggers.CreateLogger<RabbitMQQueueAdapterReceiver>());
        lock (Receivers)
        {
            Receivers[queueId] = receiver;
        }

        return receiver;
    }

    /// <summary>Publishes events (<see cref="RabbitMQMessage"/> or raw <c>byte[]</c>) to the stream's queue, persistent and confirmed.</summary>
    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("RabbitMQ streams are not rewindable: a sequence token cannot be given.", nameof(token));
        }

        var queue = mapper.QueueName(mapper.GetQueueForStream(streamId));
        var messages = events.Select(e => e switch
        {
            RabbitMQMessage m => m,
            byte[] body => new RabbitMQMessage(queue, body, Guid.NewGuid().ToString("N"), null, null, null, new Dictionary<string, string>(), false),
            _ => throw new NotSupportedException($"RabbitMQ streams carry RabbitMQMessage or byte[], not {typeof(T).Name}."),
        }).ToList();
        await publisher.PublishAsync(async channel =>
        {
            foreach (var message in messages)
            {
                await channel.BasicPublishAsync("", queue, mandatory: true, AmqpConnections.Properties(message), message.Body);
            }
        }, CancellationToken.None);
    }
}
