using RabbitMQ.Client;

namespace FleetTwins.Amqp;

/// <summary>How every FleetTwins connection to RabbitMQ is opened (the stream provider, the outbound channels, health).</summary>
internal static class AmqpConnectionFactory
{
    /// <summary>
    /// A factory for <paramref name="connectionString"/>. Automatic recovery is off: delivery tags belong to a channel,
    /// so after a broker failure the receiver opens a new channel itself and lets unacknowledged messages come again.
    /// </summary>
    public static ConnectionFactory For(string connectionString, string clientName) => new()
    {
        Uri = new Uri(connectionString),
        AutomaticRecoveryEnabled = false,
        TopologyRecoveryEnabled = false,
        ClientProvidedName = clientName,
        RequestedHeartbeat = TimeSpan.FromSeconds(15),
    };
}
