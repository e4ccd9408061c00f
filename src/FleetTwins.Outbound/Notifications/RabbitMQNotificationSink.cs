using System.Text.Json;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Amqp;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace FleetTwins.Outbound.Notifications;

/// <summary>
/// Publishes notifications to the topic exchange <c>fleettwins.notifications</c> (routing key = notification type),
/// as persistent JSON messages whose message id is the notification id, each confirmed by the broker.
/// </summary>
public sealed class RabbitMQNotificationSink(string connectionString, ILogger<RabbitMQNotificationSink> logger) : INotificationSink, IAsyncDisposable
{
    public const string Exchange = "fleettwins.notifications";

    private readonly ConfirmedPublisher publisher = new(connectionString, "fleettwins-notifications",
        (channel, cancellationToken) => channel.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken));

    public async Task PublishAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.PublishAsync(async channel =>
            {
                foreach (var n in notifications)
                {
                    using var data = JsonDocument.Parse(n.DataJson);
                    var body = JsonSerializer.SerializeToUtf8Bytes(new { n.Id, n.Type, n.TwinId, n.At, n.Reason, Data = data.RootElement }, JsonSerializerOptions.Web);
                    var properties = new BasicProperties
                    {
                        Persistent = true,
                        MessageId = n.Id,
                        Type = n.Type,
                        ContentType = "application/json",
                        Timestamp = new AmqpTimestamp(n.At.ToUnixTimeSeconds()),
                        Headers = n.TraceParent is { } traceParent ? new Dictionary<string, object?> { ["traceparent"] = traceParent } : null,
                    };
                    await channel.BasicPublishAsync(Exchange, n.Type, mandatory: false, properties, body, cancellationToken);
                }
            }, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Publishing notifications failed: {Error}", e.Message);
            throw;
        }
    }

    public ValueTask DisposeAsync() => publisher.DisposeAsync();
}
