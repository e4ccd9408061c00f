using RabbitMQ.Client;

namespace FleetTwins.Amqp;

// Compiled into several assemblies (src/Shared/README.md): plain comments, not XML docs, so that no two assemblies
// document the same member (ASP.NET's OpenAPI generator reads every referenced assembly's docs into one map).

// How every FleetTwins connection to RabbitMQ is opened (the stream provider, the outbound channels, health).
internal static class AmqpConnectionFactory
{
    // A factory for connectionString. Automatic recovery is off: delivery tags belong to a channel,
    // so after a broker failure the receiver opens a new channel itself and lets unacknowledged messages come again.
    public static ConnectionFactory For(string connectionString, string clientName) => new()
    {
        Uri = new Uri(connectionString),
        AutomaticRecoveryEnabled = false,
        TopologyRecoveryEnabled = false,
        ClientProvidedName = clientName,
        RequestedHeartbeat = TimeSpan.FromSeconds(15),
    };
}
