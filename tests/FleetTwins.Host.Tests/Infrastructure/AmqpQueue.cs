using System.Diagnostics;
using System.Text;
using FleetTwins.Tests.Infrastructure;
using RabbitMQ.Client;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>A fresh durable queue on the test broker, and a publisher that sends like INVERS does; deleted on dispose.</summary>
public sealed class AmqpQueue : IAsyncDisposable
{
    private readonly IConnection connection;
    private IChannel channel;

    private AmqpQueue(string name, IConnection connection, IChannel channel)
    {
        Name = name;
        this.connection = connection;
        this.channel = channel;
    }

    public string Name { get; }

    public string ParkingQueue => $"{Name}.parked";

    public static async Task<AmqpQueue> CreateAsync()
    {
        var name = $"ft.test.{Guid.NewGuid():N}";
        var factory = new ConnectionFactory { Uri = new Uri(TestServices.RabbitMQ), AutomaticRecoveryEnabled = false };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync($"{name}.parked", durable: true, exclusive: false, autoDelete: false); // as the parking lot declares it
        return new AmqpQueue(name, connection, channel);
    }

    /// <summary>Publishes persistently with the AMQP properties INVERS sets (message id, type, version header as bytes).</summary>
    public async Task PublishAsync(string body, string? messageId = null, string? type = null, int? version = null)
    {
        var properties = new BasicProperties { Persistent = true, MessageId = messageId, Type = type, ContentType = "application/json" };
        if (version is { } v)
        {
            properties.Headers = new Dictionary<string, object?> { ["schema_major_version"] = Encoding.UTF8.GetBytes(v.ToString()) };
        }

        await channel.BasicPublishAsync("", Name, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Publishes with retries across a broker restart (the publisher of a real provider retries too).</summary>
    public async Task PublishReliablyAsync(string body, string messageId, string? type = null, int? version = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await PublishAsync(body, messageId, type, version);
                return;
            }
            catch (Exception) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(250);
                try
                {
                    var factory = new ConnectionFactory { Uri = new Uri(TestServices.RabbitMQ), AutomaticRecoveryEnabled = false };
                    var fresh = await factory.CreateConnectionAsync();
                    channel = await fresh.CreateChannelAsync(new CreateChannelOptions(true, true));
                }
                catch (Exception)
                {
                    // Broker still down: try again.
                }
            }
        }
    }

    /// <summary>Messages in this queue ready or delivered but not acknowledged yet (the broker's count, via rabbitmqctl); -1 while the broker cannot say.</summary>
    public async Task<long> UnacknowledgedAsync()
    {
        try
        {
            return long.TryParse((await Eventually.ServicesAsync("queue-depth", Name)).Trim(), out var n) ? n : -1;
        }
        catch (InvalidOperationException)
        {
            return -1; // the broker is restarting
        }
    }

    /// <summary>Messages ready in a queue (not counting unacknowledged ones).</summary>
    public async Task<uint> ReadyAsync(string queue) => (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;

    public async ValueTask DisposeAsync()
    {
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(TestServices.RabbitMQ), AutomaticRecoveryEnabled = false };
            await using var cleanup = await factory.CreateConnectionAsync();
            await using var ch = await cleanup.CreateChannelAsync();
            await ch.QueueDeleteAsync(Name);
            await ch.QueueDeleteAsync(ParkingQueue);
        }
        catch (Exception)
        {
            // Best effort: the test broker is thrown away after the run.
        }

        await channel.DisposeAsync();
        await connection.DisposeAsync();
    }
}
