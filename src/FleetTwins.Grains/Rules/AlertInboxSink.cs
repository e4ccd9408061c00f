using System.Text.Json;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Search.Alerts;

namespace FleetTwins.Grains.Rules;

/// <summary>
/// The notification sink a twin's outbox delivers to when alerts are indexed: an alert notification carries the alert
/// as it now is, which goes into the inbox (<see cref="IAlertIndex"/>) before the notifications go to the sinks. The
/// outbox retries both until they are taken, and the index keeps only the newest version: each alert version lands
/// exactly once in effect, after the change that made it is journaled.
/// </summary>
public sealed class AlertInboxSink(IAlertIndex index, INotificationSink inner) : INotificationSink
{
    public async Task PublishAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        var alerts = notifications.Where(n => n.Type is RuleEvaluation.Raised or RuleEvaluation.Acknowledged or RuleEvaluation.Cleared)
            .Select(n => JsonSerializer.Deserialize<Alert>(n.DataJson, JsonSerializerOptions.Web))
            .OfType<Alert>()
            .ToList();
        if (alerts.Count > 0)
        {
            await index.WriteAsync(alerts, cancellationToken);
        }

        await inner.PublishAsync(notifications, cancellationToken);
    }
}
