using FleetTwins.Ingestion.Providers.Invers;
using FleetTwins.Streaming.RabbitMQ.Streams;

namespace FleetTwins.Host.Amqp;

/// <summary>The RabbitMQ stream provider's half of INVERS ingestion: each message read once, onto its vehicle's stream.</summary>
public sealed class InversStreamMapper(InversMessageReader reader) : IRabbitMQStreamMapper
{
    public RabbitMQMapping Map(RabbitMQMessage message)
    {
        var outcome = reader.Read(message.Body,
            new InversMessageProperties(message.MessageId, message.Type, message.Headers.GetValueOrDefault("schema_major_version")));
        return outcome switch
        {
            { Delivery: { } delivery } => RabbitMQMapping.Deliver(StreamId.Create(InversParser.StreamNamespace, outcome.VehicleId!), delivery),
            { ParkReason: { } reason } => RabbitMQMapping.Park(reason),
            _ => RabbitMQMapping.Skip,
        };
    }
}
