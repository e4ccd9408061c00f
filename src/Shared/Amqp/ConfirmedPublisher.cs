using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FleetTwins.Amqp;

// Compiled into several assemblies (src/Shared/README.md): plain comments, not XML docs, so that no two assemblies
// document the same member (ASP.NET's OpenAPI generator reads every referenced assembly's docs into one map).

// One lazily opened connection with a publisher-confirmed channel, used by one caller at a time; after a failure
// the channel is dropped and the next call opens a fresh one. declare runs on every new channel.
internal sealed class ConfirmedPublisher(string connectionString, string clientName, Func<IChannel, CancellationToken, Task>? declare = null)
    : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private IConnection? connection;
    private IChannel? channel;

    // Runs publish on the channel; its publishes return once the broker confirmed them.
    public async Task PublishAsync(Func<IChannel, Task> publish, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await publish(await ChannelAsync(cancellationToken));
        }
        catch (PublishReturnException)
        {
            throw; // the broker's answer to a mandatory publish nobody is bound for: the channel is fine
        }
        catch
        {
            await ResetAsync();
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (channel is { IsOpen: true })
        {
            return channel;
        }

        await ResetAsync();
        connection = await AmqpConnectionFactory.For(connectionString, clientName).CreateConnectionAsync(cancellationToken);
        channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        if (declare is not null)
        {
            await declare(channel, cancellationToken);
        }

        return channel;
    }

    private async Task ResetAsync()
    {
        var (oldChannel, oldConnection) = (channel, connection);
        (channel, connection) = (null, null);
        // Already broken, whatever closing it says; a new connection follows on the next call.
        _ = await AmqpClose.QuietlyAsync(oldChannel, oldConnection);
    }

    public async ValueTask DisposeAsync() => await ResetAsync();
}
