using RabbitMQ.Client;

namespace FleetTwins.Amqp;

// Compiled into several assemblies (src/Shared/README.md): plain comments, not XML docs.

// Closing a channel and its connection after a failure, when either may already be broken.
internal static class AmqpClose
{
    // Disposes the channel, then the connection; what that throws is returned for the caller to log, never thrown.
    public static async Task<Exception?> QuietlyAsync(IChannel? channel, IConnection? connection)
    {
        try
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }

            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
