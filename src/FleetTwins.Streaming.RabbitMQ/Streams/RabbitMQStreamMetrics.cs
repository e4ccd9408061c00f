using System.Diagnostics.Metrics;

namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>
/// The provider's own instrument, on the meter <c>FleetTwins.Streaming.RabbitMQ</c>:
/// <c>fleettwins.amqp.failed_deliveries</c> — messages whose delivery kept failing, by queue and what became of them
/// (<c>parked</c> as poison, <c>handed-back</c> to the broker during an outage).
/// </summary>
public static class RabbitMQStreamMetrics
{
    public const string MeterName = "FleetTwins.Streaming.RabbitMQ";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> FailedDeliveries = Meter.CreateCounter<long>("fleettwins.amqp.failed_deliveries", unit: "{message}",
        description: "Messages whose delivery kept failing past the delivery time, by queue and outcome (parked, handed-back).");

    internal static void Failed(string queue, string outcome, int count = 1) =>
        FailedDeliveries.Add(count, new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Both series of a queue at zero, so that a dashboard shows "none" rather than "no data".</summary>
    internal static void Start(string queue)
    {
        Failed(queue, "parked", 0);
        Failed(queue, "handed-back", 0);
    }
}
