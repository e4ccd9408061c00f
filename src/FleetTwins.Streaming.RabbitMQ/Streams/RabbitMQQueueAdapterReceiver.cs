using System.Collections.Concurrent;
using System.Threading.Channels;
using FleetTwins.Amqp;
using FleetTwins.Streaming.RabbitMQ.Options;
using FleetTwins.Streaming.RabbitMQ.Parking;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>
/// Pulls one AMQP queue for the pulling agent. A push consumer (bounded by the prefetch count) fills a local
/// buffer; <see cref="GetQueueMessagesAsync(int, CancellationToken)"/> drains it; a message is acknowledged only
/// when the agent reports it delivered (purged from the cache), or once it has been parked or skipped. When the
/// connection drops, unacknowledged messages return to the queue and are received again on a new channel.
/// </summary>
public sealed class RabbitMQQueueAdapterReceiver(
    string queue,
    RabbitMQStreamOptions options,
    IRabbitMQStreamMapper mapper,
    RabbitMQParkingLot parking,
    ILogger<RabbitMQQueueAdapterReceiver> logger) : IQueueAdapterReceiver
{
    private readonly ConcurrentDictionary<long, RabbitMQBatchContainer> inFlight = new();
    private Channel<(ulong DeliveryTag, RabbitMQMessage Message, int Generation)> buffer = NewBuffer();
    private IConnection? connection;
    private IChannel? channel;
    private int generation;
    private long sequence;
    private DateTime nextConnectAttempt;
    private DateTime pausedUntil;
    private TimeSpan lastPause;

    public string Queue => queue;

    /// <summary>Whether this receiver has an open channel consuming its queue now.</summary>
    public bool IsConsuming => channel is { IsOpen: true };

    /// <summary>Whether this receiver stopped taking messages for now because storage refuses them (<see cref="PauseForRefusal"/>).</summary>
    public bool IsPaused => DateTime.UtcNow < pausedUntil;

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        RabbitMQStreamMetrics.Start(this);
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(timeout);
            await ConnectAsync(bounded.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not fatal: the next pull tries again. The broker may simply not be up yet.
            logger.LogWarning(e, "Could not connect to RabbitMQ for queue {Queue}; will retry", queue);
        }
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (IsPaused)
        {
            return []; // What arrives meanwhile stays in the buffer, unacknowledged, until the pause ends.
        }

        if (channel is not { IsOpen: true })
        {
            await ReconnectAsync(cancellationToken);
        }

        var batch = new List<IBatchContainer>();
        var limit = maxCount < 0 ? options.PrefetchCount : Math.Min(maxCount, options.PrefetchCount);
        try
        {
            await DrainAsync(batch, limit, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Parking failed mid-batch: drop the channel so the broker hands every unacknowledged message out again.
            await CloseAsync();
            throw;
        }

        return batch;
    }

    private async Task DrainAsync(List<IBatchContainer> batch, int limit, CancellationToken cancellationToken)
    {
        while (batch.Count < limit && buffer.Reader.TryRead(out var item))
        {
            if (item.Generation != generation)
            {
                continue; // From a channel that is gone: the broker delivers it again.
            }

            var mapping = Map(item.Message);
            if (mapping.StreamId is { } streamId)
            {
                var container = new RabbitMQBatchContainer(streamId, mapping.Item ?? item.Message, new EventSequenceTokenV2(Interlocked.Increment(ref sequence)))
                {
                    Message = item.Message,
                    DeliveryTag = item.DeliveryTag,
                    ChannelGeneration = item.Generation,
                };
                inFlight[container.Token.SequenceNumber] = container;
                batch.Add(container);
            }
            else
            {
                if (mapping.ParkReason is { } reason)
                {
                    await parking.ParkAsync(item.Message, reason, cancellationToken);
                }

                await AckAsync(item.DeliveryTag, item.Generation, multiple: false, cancellationToken);
            }
        }
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    /// <summary>
    /// The cache purges oldest-first, so the delivered messages of the current channel are a prefix of what it
    /// received: one cumulative acknowledgement up to the newest of them covers them all.
    /// </summary>
    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        ulong newest = 0;
        foreach (var container in messages.OfType<RabbitMQBatchContainer>())
        {
            inFlight.TryRemove(container.Token.SequenceNumber, out _);
            if (container.ChannelGeneration == generation && !container.HandedBack && container.DeliveryTag > newest)
            {
                newest = container.DeliveryTag;
            }
        }

        if (newest > 0)
        {
            lastPause = TimeSpan.Zero; // delivered again: the next refusal pauses for the shortest time
            await AckAsync(newest, generation, multiple: true, cancellationToken);
        }
    }

    /// <summary>Parks an in-flight message whose delivery kept failing (called by the failure handler).</summary>
    public async Task<bool> ParkInFlightAsync(long sequenceNumber, string reason)
    {
        if (!inFlight.TryGetValue(sequenceNumber, out var container))
        {
            return false;
        }

        await parking.ParkAsync(container.Message, reason);
        RabbitMQStreamMetrics.Failed(queue, "parked");
        return true;
    }

    /// <summary>
    /// Returns an in-flight message to the broker (a negative acknowledgement with requeue), which delivers it again:
    /// called by the failure handler when its delivery failed during an outage rather than for being poison.
    /// </summary>
    public async Task<bool> HandBackInFlightAsync(long sequenceNumber, string reason)
    {
        var current = channel;
        if (!inFlight.TryGetValue(sequenceNumber, out var container)
            || container.ChannelGeneration != generation || current is not { IsOpen: true })
        {
            return false; // Its channel is gone, so the broker delivers it again anyway.
        }

        container.HandedBack = true; // a later cumulative acknowledgement must not be of its tag alone
        try
        {
            await current.BasicNackAsync(container.DeliveryTag, multiple: false, requeue: true);
            RabbitMQStreamMetrics.Failed(queue, "handed-back");
            logger.LogWarning("Handed message {MessageId} on {Queue} back to the broker: {Reason}", container.Message.MessageId, queue, reason);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Handing message {MessageId} on {Queue} back failed; the broker will deliver it again with its channel", container.Message.MessageId, queue);
            await CloseAsync();
            return false;
        }
    }

    /// <summary>
    /// Stops taking messages for a while (called by the failure handler after handing back a message that storage
    /// refused until an operator acts): <see cref="RabbitMQStreamOptions.RefusalPause"/>, doubling with each refusal up
    /// to <see cref="RabbitMQStreamOptions.MaxRefusalPause"/>. The queue's messages wait with the broker meanwhile.
    /// </summary>
    public void PauseForRefusal()
    {
        if (IsPaused)
        {
            return; // the messages pulled before the pause fail one by one: one pause covers them all
        }

        lastPause = TimeSpan.FromTicks(Math.Min(lastPause == TimeSpan.Zero ? options.RefusalPause.Ticks : lastPause.Ticks * 2, options.MaxRefusalPause.Ticks));
        pausedUntil = DateTime.UtcNow + lastPause;
        logger.LogError("Paused consuming {Queue} for {Pause}: storage refuses writes until an operator acts; its messages wait with the broker", queue, lastPause);
    }

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        RabbitMQStreamMetrics.Stop(this);
        await CloseAsync();
        logger.LogInformation("Stopped consuming queue {Queue}", queue);
    }

    private RabbitMQMapping Map(RabbitMQMessage message)
    {
        try
        {
            return mapper.Map(message);
        }
        catch (Exception e)
        {
            return RabbitMQMapping.Park($"the stream mapper failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private async Task AckAsync(ulong deliveryTag, int ofGeneration, bool multiple, CancellationToken cancellationToken)
    {
        var current = channel;
        if (ofGeneration != generation || current is not { IsOpen: true })
        {
            return; // The tag died with its channel; the message comes again and is recognised as a duplicate.
        }

        try
        {
            await current.BasicAckAsync(deliveryTag, multiple, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Acknowledgement on {Queue} failed; the broker will deliver again", queue);
        }
    }

    private async Task ReconnectAsync(CancellationToken cancellationToken)
    {
        if (DateTime.UtcNow < nextConnectAttempt)
        {
            return;
        }

        nextConnectAttempt = DateTime.UtcNow + options.ReconnectDelay;
        try
        {
            await CloseAsync();
            await ConnectAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not reconnect to RabbitMQ for queue {Queue}: {Error}", queue, e.Message);
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var conn = await AmqpConnectionFactory.For(options.ConnectionString, $"fleettwins-stream-{queue}").CreateConnectionAsync(cancellationToken);
        try
        {
            var ch = await conn.CreateChannelAsync(cancellationToken: cancellationToken);
            await ch.BasicQosAsync(0, options.PrefetchCount, global: false, cancellationToken);
            var current = Interlocked.Increment(ref generation);
            buffer = NewBuffer();
            var writer = buffer.Writer;
            var consumer = new AsyncEventingBasicConsumer(ch);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                // The body belongs to the client library only until this handler returns: copy it now.
                writer.TryWrite((delivery.DeliveryTag, AmqpConnections.ToMessage(queue, delivery), current));
                RabbitMQStreamMetrics.Received(queue, delivery.Redelivered);
                return Task.CompletedTask;
            };
            await ch.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken);
            (connection, channel) = (conn, ch);
            logger.LogInformation("Consuming queue {Queue} (channel {Generation})", queue, current);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    private async Task CloseAsync()
    {
        var (oldChannel, oldConnection) = (channel, connection);
        (channel, connection) = (null, null);
        if (await AmqpClose.QuietlyAsync(oldChannel, oldConnection) is { } failure)
        {
            logger.LogDebug(failure, "Closing the connection for {Queue} failed", queue);
        }
    }

    private static Channel<(ulong, RabbitMQMessage, int)> NewBuffer() =>
        Channel.CreateUnbounded<(ulong, RabbitMQMessage, int)>(new UnboundedChannelOptions { SingleReader = true });
}
