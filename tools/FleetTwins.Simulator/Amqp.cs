using System.Diagnostics;
using RabbitMQ.Client;

namespace FleetTwins.Simulator;

/// <summary>Publishes INVERS deliveries to a durable queue, persistent, the way INVERS OneAPI hands them over.</summary>
public sealed class Amqp : IAsyncDisposable
{
    private readonly IConnection connection;
    private readonly IChannel channel;
    private readonly string queue;
    private readonly SemaphoreSlim gate = new(1, 1);

    private Amqp(IConnection connection, IChannel channel, string queue) => (this.connection, this.channel, this.queue) = (connection, channel, queue);

    public static async Task<Amqp> ConnectAsync(string uri, string queue)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(uri) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        return new Amqp(connection, channel, queue);
    }

    /// <summary>The <c>fill-invers</c> command: <paramref name="count"/> messages of the simulated mix, as fast as the broker takes them.</summary>
    public static async Task<int> FillAsync(string uri, string queue, int count, Options options)
    {
        await using var amqp = await ConnectAsync(uri, queue);
        var clock = Stopwatch.StartNew();
        foreach (var delivery in new Deliveries(options with { Providers = [("invers", 1)] }).Take(count))
        {
            await amqp.PublishAsync(delivery);
        }

        Console.WriteLine($"filled {queue} with {count} INVERS messages for {options.Vehicles} vehicles in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    public async Task PublishAsync(Delivery delivery)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            MessageId = delivery.Id,
            Type = delivery.Target,
            ContentType = "application/json",
            Headers = new Dictionary<string, object?> { ["schema_major_version"] = "2"u8.ToArray() },
        };
        await gate.WaitAsync(); // one channel, one publisher at a time
        try
        {
            await channel.BasicPublishAsync("", queue, mandatory: false, properties, delivery.Body);
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync();
        await connection.DisposeAsync();
    }
}
