using FleetTwins.Abstractions.Delivery;

namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>
/// Outages the subscribers ran into (storage down, a silo gone): a subscriber reports one when a delivery failed
/// for a reason that passes. A message whose delivery kept failing while an outage was reported is handed back to
/// the broker, to come again, rather than parked as poison; one that kept failing with no outage reported is parked.
/// A refusal (what the subscriber needs refuses until an operator acts) is an outage that also pauses the consumer.
/// </summary>
public sealed class DeliveryOutages(TimeProvider time) : IDeliveryOutages
{
    private long lastReported = long.MinValue;
    private long lastRefusal = long.MinValue;

    public void Report() => Interlocked.Exchange(ref lastReported, time.GetUtcNow().UtcTicks);

    public void ReportRefusal()
    {
        Interlocked.Exchange(ref lastRefusal, time.GetUtcNow().UtcTicks);
        Report();
    }

    /// <summary>Whether an outage (a refusal included) was reported within <paramref name="window"/> before now.</summary>
    public bool ReportedWithin(TimeSpan window) => Within(ref lastReported, window);

    /// <summary>Whether a refusal was reported within <paramref name="window"/> before now.</summary>
    public bool RefusedWithin(TimeSpan window) => Within(ref lastRefusal, window);

    private bool Within(ref long reported, TimeSpan window) => Interlocked.Read(ref reported) >= (time.GetUtcNow() - window).UtcTicks;
}
