namespace FleetTwins.Host.Amqp;

/// <summary>INVERS OneAPI over AMQP: the queues (one per subscribed topic) and how they are consumed.</summary>
public sealed class InversOptions
{
    public List<string> Queues { get; set; } = [];

    /// <summary>Messages the broker sends ahead of acknowledgement, per queue.</summary>
    public ushort PrefetchCount { get; set; } = 1000;

    /// <summary>Messages held per queue between receipt and acknowledgement.</summary>
    public int CacheSize { get; set; } = 1000;

    /// <summary>Our own queue for messages that cannot be applied (INVERS queues take no dead-letter arguments).</summary>
    public string ParkingQueue { get; set; } = "fleettwins.invers.parked";

    /// <summary>How long delivery of one message to its twin may keep failing before it is parked.</summary>
    public TimeSpan MaxDeliveryTime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long consuming pauses after storage refused a message until an operator acts (doubling up to 5 min).</summary>
    public TimeSpan RefusalPause { get; set; } = TimeSpan.FromSeconds(10);
}
