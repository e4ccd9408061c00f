namespace FleetTwins.Streaming.RabbitMQ.Options;

/// <summary>Options of one RabbitMQ stream provider (named options, by provider name).</summary>
public sealed class RabbitMQStreamOptions
{
    /// <summary>The broker, as an <c>amqp://</c> or <c>amqps://</c> URI with credentials and virtual host.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The queues to consume; each is one stream partition, pulled by one silo at a time.</summary>
    public List<string> Queues { get; set; } = [];

    /// <summary>Messages the broker may send ahead of acknowledgement, per queue; should cover the cache.</summary>
    public ushort PrefetchCount { get; set; } = 1000;

    /// <summary>Messages the pulling agent holds per queue between receipt and acknowledgement.</summary>
    public int CacheSize { get; set; } = 1000;

    /// <summary>The queue poison messages are parked in, with their reason; declared durable on first use.</summary>
    public string ParkingQueue { get; set; } = "fleettwins.parked";

    /// <summary>How long to wait before reconnecting after the broker went away.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the consumer stops taking messages after one was handed back because a subscriber's storage refuses
    /// until an operator acts; each further refusal doubles it up to <see cref="MaxRefusalPause"/>, and a delivered
    /// message resets it. The messages wait with the broker, unacknowledged.
    /// </summary>
    public TimeSpan RefusalPause { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest pause after repeated refusals.</summary>
    public TimeSpan MaxRefusalPause { get; set; } = TimeSpan.FromMinutes(5);
}
