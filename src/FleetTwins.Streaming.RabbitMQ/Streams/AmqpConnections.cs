using System.Globalization;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>The conversion of a delivery into a <see cref="RabbitMQMessage"/> and back into message properties.</summary>
public static class AmqpConnections
{
    public static RabbitMQMessage ToMessage(string queue, BasicDeliverEventArgs delivery) => ToMessage(
        queue, delivery.BasicProperties, delivery.Body, delivery.Redelivered);

    public static RabbitMQMessage ToMessage(string queue, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, bool redelivered) => new(
        queue,
        body.ToArray(),
        properties.MessageId,
        properties.Type,
        properties.CorrelationId,
        properties.IsTimestampPresent() ? properties.Timestamp.UnixTime : null,
        Headers(properties.Headers),
        redelivered);

    /// <summary>Header values as text: RabbitMQ.Client hands strings over as byte arrays, numbers as numbers.</summary>
    public static IReadOnlyDictionary<string, string> Headers(IDictionary<string, object?>? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        var result = new Dictionary<string, string>(headers.Count, StringComparer.Ordinal);
        foreach (var (key, value) in headers)
        {
            var text = value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                null => null,
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            if (text is not null)
            {
                result[key] = text;
            }
        }

        return result;
    }

    /// <summary>Properties that carry a message onward unchanged (for parking and replay).</summary>
    public static BasicProperties Properties(RabbitMQMessage message, IDictionary<string, object?>? extraHeaders = null)
    {
        var headers = message.Headers.ToDictionary(h => h.Key, h => (object?)h.Value);
        foreach (var (key, value) in extraHeaders ?? new Dictionary<string, object?>())
        {
            headers[key] = value;
        }

        var properties = new BasicProperties
        {
            Persistent = true,
            MessageId = message.MessageId,
            Type = message.Type,
            CorrelationId = message.CorrelationId,
            Headers = headers,
            ContentType = "application/json",
        };
        if (message.Timestamp is { } timestamp)
        {
            properties.Timestamp = new AmqpTimestamp(timestamp);
        }

        return properties;
    }
}
