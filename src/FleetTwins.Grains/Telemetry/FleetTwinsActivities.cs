using System.Diagnostics;
using FleetTwins.Abstractions.Notifications;

namespace FleetTwins.Grains.Telemetry;

/// <summary>
/// Our trace spans, on the activity source <c>FleetTwins</c>: <c>ingest</c> (one delivery, from the webhook request
/// or the AMQP message, through the twin grain calls Orleans traces) and <c>notifications.publish</c> (an outbox
/// batch handed to the sink, a child of the span whose delivery raised the notifications, linked to the others).
/// </summary>
public static class FleetTwinsActivities
{
    public const string SourceName = "FleetTwins";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of an outbox batch: parented on the first notification's trace, linked to every other.</summary>
    public static Activity? StartPublish(IReadOnlyList<Notification> batch, string twinId)
    {
        var contexts = batch.Select(n => ActivityContext.TryParse(n.TraceParent, null, out var context) ? context : default)
            .Where(c => c != default).Distinct().ToList();
        var activity = Source.StartActivity("notifications.publish", ActivityKind.Producer,
            contexts.Count > 0 ? contexts[0] : default, links: contexts.Skip(1).Select(c => new ActivityLink(c)));
        activity?.SetTag("fleettwins.twin_id", twinId);
        activity?.SetTag("fleettwins.notifications", batch.Count);
        return activity;
    }
}
