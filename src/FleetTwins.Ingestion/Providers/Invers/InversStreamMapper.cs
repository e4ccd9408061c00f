using FleetTwins.Abstractions.Events;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Telemetry;
using FleetTwins.Streaming.RabbitMQ.Streams;
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

/// <summary>
/// Reads each INVERS message and puts it, parsed, on the stream of its vehicle (so one vehicle's events are applied in
/// order, different vehicles' in parallel); parks what cannot be parsed, and acknowledges types nobody consumes,
/// counting them. A message dated further ahead of this host's clock than the allowed skew is parked.
/// </summary>
public sealed class InversStreamMapper(IngestionMetrics metrics, IngestionClock clock, ILogger<InversStreamMapper> logger) : IRabbitMQStreamMapper
{
    public RabbitMQMapping Map(RabbitMQMessage message)
    {
        var parsed = InversParser.Parse(message.Body, clock.Now(),
            new InversMessageProperties(message.MessageId, message.Type, message.Headers.GetValueOrDefault("schema_major_version")));
        switch (parsed.Outcome)
        {
            case ParseOutcome.Accepted accepted:
                metrics.Count(Sources.Invers, accepted.EventType, "received");
                return RabbitMQMapping.Deliver(StreamId.Create(InversParser.StreamNamespace, parsed.VehicleId!),
                    new InversDelivery(parsed.DeliveryId!, accepted.EventType, accepted.Deliveries));
            case ParseOutcome.UnknownType unknown:
                metrics.Count(Sources.Invers, unknown.EventType, "unknown-type");
                logger.LogInformation("Skipped INVERS message {MessageId} of unknown type {EventType}", message.MessageId, EventTypeText.Shorten(unknown.EventType));
                return RabbitMQMapping.Skip;
            case ParseOutcome.Invalid invalid:
                metrics.Count(Sources.Invers, message.Type ?? "", "parked");
                return RabbitMQMapping.Park(invalid.Reason);
            default:
                throw new InvalidOperationException(parsed.Outcome.GetType().Name);
        }
    }
}
