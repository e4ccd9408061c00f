namespace FleetTwins.Abstractions.Notifications;

/// <summary>
/// Where a twin's outbox delivers notifications (a RabbitMQ exchange, outbound webhooks, ...). Answers only once
/// the sink has durably taken every notification of the batch; throws otherwise, and the outbox retries.
/// </summary>
public interface INotificationSink
{
    Task PublishAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken);
}

/// <summary>The sink when none is configured: nothing to deliver to, so nothing waits.</summary>
public sealed class NoNotificationSink : INotificationSink
{
    public Task PublishAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken) => Task.CompletedTask;
}
