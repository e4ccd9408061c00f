using FleetTwins.Abstractions.Notifications;

namespace FleetTwins.Outbound.Notifications;

/// <summary>Delivers to every configured sink; a failure of any fails the batch (delivery stays at least once).</summary>
public sealed class CompositeNotificationSink(IReadOnlyList<INotificationSink> sinks) : INotificationSink
{
    public async Task PublishAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        foreach (var sink in sinks)
        {
            await sink.PublishAsync(notifications, cancellationToken);
        }
    }
}
