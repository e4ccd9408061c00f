using System.Diagnostics.Metrics;

namespace FleetTwins.Host.Webhooks;

/// <summary>Counts every push delivery by provider, event type and outcome (applied, duplicate, unknown-type, invalid, ...).</summary>
public sealed class IngestionMetrics
{
    public const string MeterName = "FleetTwins";

    private readonly Counter<long> deliveries;

    public IngestionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        deliveries = meter.CreateCounter<long>("fleettwins.ingestion.deliveries", unit: "{delivery}",
            description: "Provider deliveries received, by provider, event type and outcome.");
    }

    public void Count(string provider, string eventType, string outcome) =>
        deliveries.Add(1, new("provider", provider), new("type", eventType), new("outcome", outcome));
}
