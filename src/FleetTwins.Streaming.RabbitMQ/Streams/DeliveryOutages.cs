using FleetTwins.Abstractions.Delivery;

namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>
/// Outages the subscribers ran into (storage down, a silo gone): a subscriber reports one when a delivery failed
/// for a reason that passes. A message whose delivery kept failing while an outage was reported is handed back to
/// the broker, to come again, rather than parked as poison; one that kept failing with no outage reported is parked.
/// </summary>
public sealed class DeliveryOutages(TimeProvider time) : IDeliveryOutages
{
    private long lastReported = long.MinValue;

    public void Report() => Interlocked.Exchange(ref lastReported, time.GetUtcNow().UtcTicks);

    /// <summary>Whether an outage was reported within <paramref name="window"/> before now.</summary>
    public bool ReportedWithin(TimeSpan window) =>
        Interlocked.Read(ref lastReported) >= (time.GetUtcNow() - window).UtcTicks;
}
