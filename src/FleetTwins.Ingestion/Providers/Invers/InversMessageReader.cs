using FleetTwins.Abstractions.Events;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Telemetry;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Ingestion.Providers.Invers;

/// <summary>An INVERS event as its vehicle's inbox receives it: parsed once, by the stream mapper, on the silo that pulled it.</summary>
[GenerateSerializer, Immutable, Alias("ft.ingestion.InversDelivery")]
public sealed record InversDelivery(
    [property: Id(0)] string DeliveryId,
    [property: Id(1)] string EventType,
    [property: Id(2)] IReadOnlyList<Routing.Routed> Deliveries)
{
    public ParseOutcome.Accepted Accepted => new(EventType, Deliveries);
}

/// <summary>What becomes of one INVERS message: delivered, parsed, to its vehicle's inbox; skipped; or parked.</summary>
public readonly record struct InversMessageOutcome(string? VehicleId, InversDelivery? Delivery, string? ParkReason)
{
    public static InversMessageOutcome Deliver(string vehicleId, InversDelivery delivery) => new(vehicleId, delivery, null);

    public static InversMessageOutcome Park(string reason) => new(null, null, reason);

    /// <summary>Acknowledged without delivery: a type nobody consumes.</summary>
    public static InversMessageOutcome Skip => default;
}

/// <summary>
/// Reads each INVERS message once, for the transport that received it: parsed for its vehicle's inbox (so one vehicle's
/// events are applied in order, different vehicles' in parallel); parked when it cannot be parsed or is dated further
/// ahead of this host's clock than the allowed skew; skipped and counted when nobody consumes its type. No I/O.
/// </summary>
public sealed class InversMessageReader(IngestionMetrics metrics, IngestionClock clock, ILogger<InversMessageReader> logger)
{
    public InversMessageOutcome Read(byte[] body, InversMessageProperties properties)
    {
        var parsed = InversParser.Parse(body, clock.Now(), properties);
        switch (parsed.Outcome)
        {
            case ParseOutcome.Accepted accepted:
                metrics.Count(Sources.Invers, accepted.EventType, "received");
                return InversMessageOutcome.Deliver(parsed.VehicleId!, new InversDelivery(parsed.DeliveryId!, accepted.EventType, accepted.Deliveries));
            case ParseOutcome.UnknownType unknown:
                metrics.Count(Sources.Invers, unknown.EventType, "unknown-type");
                logger.LogInformation("Skipped INVERS message {MessageId} of unknown type {EventType}", properties.MessageId, EventTypeText.Shorten(unknown.EventType));
                return InversMessageOutcome.Skip;
            case ParseOutcome.Invalid invalid:
                metrics.Count(Sources.Invers, properties.Type ?? "", "parked");
                return InversMessageOutcome.Park(invalid.Reason);
            default:
                throw new InvalidOperationException(parsed.Outcome.GetType().Name);
        }
    }
}
