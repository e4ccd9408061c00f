using System.Diagnostics;
using FleetTwins.Grains.Telemetry;

namespace FleetTwins.Ingestion.Telemetry;

/// <summary>The <c>ingest</c> span of one delivery, on the activity source <c>FleetTwins</c> the twins' spans use too.</summary>
public static class IngestionActivities
{
    /// <summary>Starts the span of one delivery (null when nobody listens).</summary>
    public static Activity? StartIngest(string deliveryId, string provider, string eventType)
    {
        var activity = FleetTwinsActivities.Source.StartActivity("ingest", ActivityKind.Internal);
        activity?.SetTag("fleettwins.provider", provider);
        activity?.SetTag("fleettwins.delivery_id", deliveryId);
        activity?.SetTag("fleettwins.event_type", eventType);
        return activity;
    }
}
