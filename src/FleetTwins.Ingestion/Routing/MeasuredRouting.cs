using System.Diagnostics;
using FleetTwins.Grains.Delivery;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Telemetry;

namespace FleetTwins.Ingestion.Routing;

/// <summary>Routing an accepted delivery the way every ingestion path does: in its trace span, timed and counted.</summary>
public static class MeasuredRouting
{
    /// <summary>
    /// Routes <paramref name="accepted"/> to its twins inside an <c>ingest</c> span and counts it applied or duplicate,
    /// with its apply time and lag; a failure that passes (storage or a silo down) is counted <c>unavailable</c> and
    /// rethrown, as is any other failure, for the caller to answer.
    /// </summary>
    public static async Task<RouteResult> RouteMeasuredAsync(this TwinEventRouter router, IngestionMetrics metrics,
        string deliveryId, string provider, ParseOutcome.Accepted accepted)
    {
        using var activity = IngestionActivities.StartIngest(deliveryId, provider, accepted.EventType);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await router.RouteAsync(deliveryId, provider, accepted.Deliveries);
            metrics.Applied(provider, accepted.EventType, result, Stopwatch.GetElapsedTime(started), accepted.Deliveries);
            return result;
        }
        catch (Exception e) when (TransientFailure.Is(e))
        {
            metrics.Count(provider, accepted.EventType, "unavailable");
            throw;
        }
    }
}
