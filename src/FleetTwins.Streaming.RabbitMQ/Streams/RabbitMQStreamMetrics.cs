using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>
/// The provider's own instruments, on the meter <c>FleetTwins.Streaming.RabbitMQ</c>:
/// <c>fleettwins.amqp.failed_deliveries</c> — messages whose delivery kept failing, by queue and what became of them
/// (<c>parked</c> as poison, <c>handed-back</c> to the broker during an outage); <c>fleettwins.amqp.consuming</c> —
/// 1 for each queue this silo consumes now (on a channel that is open), so which silo holds a queue, and that a
/// queue moved to another silo, can be read off <c>/metrics</c>; <c>fleettwins.amqp.received</c> — messages this silo
/// received, by queue and whether the broker marked them redelivered; <c>fleettwins.amqp.paused</c> — 1 for each queue
/// this silo stopped taking messages from for now because storage refuses them.
/// </summary>
public static class RabbitMQStreamMetrics
{
    public const string MeterName = "FleetTwins.Streaming.RabbitMQ";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> FailedDeliveries = Meter.CreateCounter<long>("fleettwins.amqp.failed_deliveries", unit: "{message}",
        description: "Messages whose delivery kept failing past the delivery time, by queue and outcome (parked, handed-back).");

    private static readonly Counter<long> ReceivedMessages = Meter.CreateCounter<long>("fleettwins.amqp.received", unit: "{message}",
        description: "Messages received from the broker by this silo, by queue and redelivered (true when the broker had delivered it before).");

    /// <summary>The receivers of this process (a set): each knows its queue and whether it consumes it now.</summary>
    private static readonly ConcurrentDictionary<RabbitMQQueueAdapterReceiver, bool> Receivers = new();

    static RabbitMQStreamMetrics()
    {
        Meter.CreateObservableGauge("fleettwins.amqp.consuming", () => PerQueue(r => r.IsConsuming), unit: "{queue}",
            description: "1 for each AMQP queue this silo consumes now (its channel is open), 0 for one it holds but cannot reach.");
        Meter.CreateObservableGauge("fleettwins.amqp.paused", () => PerQueue(r => r.IsPaused), unit: "{queue}",
            description: "1 for each AMQP queue this silo stopped taking messages from for now because storage refuses them.");
    }

    internal static void Failed(string queue, string outcome, int count = 1) =>
        FailedDeliveries.Add(count, new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("outcome", outcome));

    internal static void Received(string queue, bool redelivered) =>
        ReceivedMessages.Add(1, new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("redelivered", redelivered ? "true" : "false"));

    /// <summary>Both series of a queue at zero, so that a dashboard shows "none" rather than "no data"; the receiver counts as holding the queue.</summary>
    internal static void Start(RabbitMQQueueAdapterReceiver receiver)
    {
        Receivers[receiver] = true;
        Failed(receiver.Queue, "parked", 0);
        Failed(receiver.Queue, "handed-back", 0);
    }

    /// <summary>The receiver gave its queue up (the silo stops, or the queue moved to another silo).</summary>
    internal static void Stop(RabbitMQQueueAdapterReceiver receiver) => Receivers.TryRemove(receiver, out _);

    /// <summary>1 for each queue one of this process's receivers of which <paramref name="holds"/>, 0 for the others.</summary>
    private static IEnumerable<Measurement<int>> PerQueue(Func<RabbitMQQueueAdapterReceiver, bool> holds) =>
        Receivers.Keys.GroupBy(r => r.Queue).Select(g =>
            new Measurement<int>(g.Any(holds) ? 1 : 0, new KeyValuePair<string, object?>("queue", g.Key)));
}
