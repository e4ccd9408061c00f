using System.Text;
using System.Text.Json;
using FleetTwins.Grains.Notifications;
using FleetTwins.Host.Hosting;
using FleetTwins.Notifications;
using FleetTwins.Streaming.RabbitMQ.Streams;
using RabbitMQ.Client;

namespace FleetTwins.Host.Notifications;

/// <summary>
/// Publishes notifications to the topic exchange <c>fleettwins.notifications</c> (routing key = notification type),
/// as persistent JSON messages whose message id is the notification id, each confirmed by the broker.
/// </summary>
public sealed class RabbitMQNotificationSink(IConfiguration configuration, ILogger<RabbitMQNotificationSink> logger) : INotificationSink, IAsyncDisposable
{
    public const string Exchange = "fleettwins.notifications";

    private readonly SemaphoreSlim gate = new(1, 1);
    private IConnection? connection;
    private IChannel? channel;

    public async Task PublishAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var ch = await ChannelAsync(cancellationToken);
            foreach (var n in notifications)
            {
                using var data = JsonDocument.Parse(n.DataJson);
                var body = JsonSerializer.SerializeToUtf8Bytes(new { n.Id, n.Type, n.TwinId, n.At, n.Reason, Data = data.RootElement }, JsonSerializerOptions.Web);
                var properties = new BasicProperties
                {
                    Persistent = true, MessageId = n.Id, Type = n.Type, ContentType = "application/json",
                    Timestamp = new AmqpTimestamp(n.At.ToUnixTimeSeconds()),
                };
                await ch.BasicPublishAsync(Exchange, n.Type, mandatory: false, properties, body, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Publishing notifications failed: {Error}", e.Message);
            await ResetAsync();
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (channel is { IsOpen: true })
        {
            return channel;
        }

        await ResetAsync();
        connection = await AmqpConnections.Factory(configuration.GetRabbitMQConnectionString(), "fleettwins-notifications").CreateConnectionAsync(cancellationToken);
        channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        return channel;
    }

    private async Task ResetAsync()
    {
        var (oldChannel, oldConnection) = (channel, connection);
        (channel, connection) = (null, null);
        try
        {
            if (oldChannel is not null)
            {
                await oldChannel.DisposeAsync();
            }

            if (oldConnection is not null)
            {
                await oldConnection.DisposeAsync();
            }
        }
        catch (Exception)
        {
            // Already broken; a new connection follows.
        }
    }

    public async ValueTask DisposeAsync() => await ResetAsync();
}
