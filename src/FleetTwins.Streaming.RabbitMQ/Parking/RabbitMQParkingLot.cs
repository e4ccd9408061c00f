using FleetTwins.Amqp;
using FleetTwins.Streaming.RabbitMQ.Options;
using FleetTwins.Streaming.RabbitMQ.Streams;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace FleetTwins.Streaming.RabbitMQ.Parking;

/// <summary>A message set aside, with why and from where.</summary>
[GenerateSerializer, Immutable, Alias("ft.rabbitmq.ParkedMessage")]
public sealed record ParkedMessage(
    [property: Id(0)] RabbitMQMessage Message,
    [property: Id(1)] string Reason,
    [property: Id(2)] string OriginalQueue,
    [property: Id(3)] DateTimeOffset ParkedAt);

/// <summary>
/// Parks messages that cannot be delivered in a durable queue of our own (the consumed queues may belong to
/// someone else, who allows no dead-letter arguments on them), lists them, and replays them to where they came from.
/// Parking is confirmed by the broker before the original message is acknowledged.
/// </summary>
public sealed class RabbitMQParkingLot : IAsyncDisposable
{
    public const string ReasonHeader = "x-parked-reason";
    public const string QueueHeader = "x-parked-from";
    public const string TimeHeader = "x-parked-at";

    private readonly RabbitMQStreamOptions options;
    private readonly ILogger<RabbitMQParkingLot> logger;
    private readonly ConfirmedPublisher publisher;

    public RabbitMQParkingLot(RabbitMQStreamOptions options, ILogger<RabbitMQParkingLot> logger)
    {
        this.options = options;
        this.logger = logger;
        publisher = new ConfirmedPublisher(options.ConnectionString, "fleettwins-parking", DeclareAsync);
    }

    public string Queue => options.ParkingQueue;

    public async Task ParkAsync(RabbitMQMessage message, string reason, CancellationToken cancellationToken = default)
    {
        var properties = AmqpConnections.Properties(message, new Dictionary<string, object?>
        {
            [ReasonHeader] = reason.Length > 1000 ? reason[..1000] : reason,
            [QueueHeader] = message.Queue,
            [TimeHeader] = DateTimeOffset.UtcNow.ToString("O"),
        });
        await publisher.PublishAsync(
            channel => channel.BasicPublishAsync("", Queue, mandatory: true, properties, message.Body, cancellationToken).AsTask(), cancellationToken);
        logger.LogWarning("Parked message {MessageId} from {Queue}: {Reason}", message.MessageId, message.Queue, reason);
    }

    /// <summary>The oldest parked messages, without removing them.</summary>
    public async Task<IReadOnlyList<ParkedMessage>> ListAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var browse = await OpenAsync(cancellationToken);
        var parked = new List<ParkedMessage>();
        while (parked.Count < limit && await browse.Channel.BasicGetAsync(Queue, autoAck: false, cancellationToken) is { } result)
        {
            parked.Add(ToParked(result));
        }

        // Closing the channel without acknowledging puts every message back, in order.
        return parked;
    }

    /// <summary>Moves up to <paramref name="limit"/> parked messages back to the queues they came from; answers how many.</summary>
    public async Task<int> ReplayAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var replay = await OpenAsync(cancellationToken);
        // Only what was parked when the replay began: a replayed message that fails again is parked anew at the
        // tail of the queue, and must not be replayed again in the same call.
        limit = (int)Math.Min(limit, (await replay.Channel.QueueDeclarePassiveAsync(Queue, cancellationToken)).MessageCount);
        var replayed = 0;
        while (replayed < limit && await replay.Channel.BasicGetAsync(Queue, autoAck: false, cancellationToken) is { } result)
        {
            var parked = ToParked(result);
            var extra = new Dictionary<string, object?> { ["x-replayed-at"] = DateTimeOffset.UtcNow.ToString("O") };
            var message = parked.Message with
            {
                Headers = parked.Message.Headers.Where(h => h.Key is not (ReasonHeader or QueueHeader or TimeHeader)).ToDictionary(),
            };
            await replay.Channel.BasicPublishAsync("", parked.OriginalQueue, mandatory: true, AmqpConnections.Properties(message, extra), message.Body, cancellationToken);
            await replay.Channel.BasicAckAsync(result.DeliveryTag, multiple: false, cancellationToken);
            replayed++;
        }

        return replayed;
    }

    private static ParkedMessage ToParked(BasicGetResult result)
    {
        var headers = AmqpConnections.Headers(result.BasicProperties.Headers);
        var from = headers.GetValueOrDefault(QueueHeader) ?? "";
        var message = AmqpConnections.ToMessage(from, result.BasicProperties, result.Body, result.Redelivered);
        var at = DateTimeOffset.TryParse(headers.GetValueOrDefault(TimeHeader), out var parkedAt) ? parkedAt : default;
        return new ParkedMessage(message, headers.GetValueOrDefault(ReasonHeader) ?? "", from, at);
    }

    /// <summary>A connection and confirmed channel of its own, for browsing or replaying.</summary>
    private async Task<OpenChannel> OpenAsync(CancellationToken cancellationToken)
    {
        var conn = await AmqpConnectionFactory.For(options.ConnectionString, "fleettwins-parking").CreateConnectionAsync(cancellationToken);
        var ch = await conn.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await DeclareAsync(ch, cancellationToken);
        return new OpenChannel(conn, ch);
    }

    private Task DeclareAsync(IChannel channel, CancellationToken cancellationToken) =>
        channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);

    public ValueTask DisposeAsync() => publisher.DisposeAsync();

    private sealed record OpenChannel(IConnection Connection, IChannel Channel) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Channel.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
