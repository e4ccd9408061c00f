using FleetTwins.Events;
using FleetTwins.Grains.Ingestion;
using FleetTwins.Grains.Telemetry;
using FleetTwins.Parsing;
using FleetTwins.Providers.Invers;
using FleetTwins.Streaming.RabbitMQ.Streams;

namespace FleetTwins.Host.Amqp;

/// <summary>
/// Puts each INVERS message on the stream of its vehicle (so one vehicle's events are applied in order, different
/// vehicles' in parallel); parks what cannot be parsed, and acknowledges types nobody consumes, counting them.
/// </summary>
public sealed class InversStreamMapper(FleetTwinsMetrics metrics) : IRabbitMQStreamMapper
{
    public RabbitMQMapping Map(RabbitMQMessage message)
    {
        var parsed = InversMessages.Parse(message);
        switch (parsed.Outcome)
        {
            case ParseOutcome.Accepted accepted:
                metrics.Count(Sources.Invers, accepted.EventType, "received");
                return RabbitMQMapping.Deliver(StreamId.Create(InversParser.StreamNamespace, parsed.VehicleId!));
            case ParseOutcome.UnknownType unknown:
                metrics.Count(Sources.Invers, unknown.EventType, "unknown-type");
                return RabbitMQMapping.Skip;
            case ParseOutcome.Invalid invalid:
                metrics.Count(Sources.Invers, message.Type ?? "", "parked");
                return RabbitMQMapping.Park(invalid.Reason);
            default:
                throw new InvalidOperationException(parsed.Outcome.GetType().Name);
        }
    }
}
