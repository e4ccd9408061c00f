using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using FleetTwins.Streaming.RabbitMQ.Hosting;
using FleetTwins.Streaming.RabbitMQ.Parking;
using FleetTwins.Streaming.RabbitMQ.Streams;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.TestingHost;
using RabbitMQ.Client;

namespace FleetTwins.Streaming.RabbitMQ.Tests;

/// <summary>Test messages name their stream in a header; a message without it is parked by the mapper.</summary>
public sealed class HeaderMapper : IRabbitMQStreamMapper
{
    public RabbitMQMapping Map(RabbitMQMessage message) => message.Headers.TryGetValue("key", out var key)
        ? RabbitMQMapping.Deliver(StreamId.Create(ProviderClusterTests.Namespace, key))
        : RabbitMQMapping.Park("no key header");
}

public interface IRecorderGrain : IGrainWithStringKey
{
    Task<IReadOnlyList<string>> ReceivedAsync();
}

/// <summary>
/// Records what it receives; bodies that say "fail" always throw; while <see cref="OutageUntil"/> is ahead, every
/// delivery fails as if storage were down, and the outage is reported; while <see cref="Refusing"/>, every delivery
/// fails as if storage refused until an operator acts, and the refusal is reported. Every attempt's body and time is kept.
/// </summary>
[ImplicitStreamSubscription(ProviderClusterTests.Namespace)]
public sealed class RecorderGrain(DeliveryOutages outages) : Grain, IRecorderGrain, IStreamSubscriptionObserver, IAsyncObserver<RabbitMQMessage>
{
    private readonly List<string> received = [];

    public static DateTime OutageUntil { get; set; }

    public static volatile bool Refusing;

    public static ConcurrentQueue<(string Body, DateTime At)> Attempts { get; } = new();

    public Task<IReadOnlyList<string>> ReceivedAsync() => Task.FromResult<IReadOnlyList<string>>([.. received]);

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => await handleFactory.Create<RabbitMQMessage>().ResumeAsync(this);

    public Task OnNextAsync(RabbitMQMessage item, StreamSequenceToken? token = null)
    {
        var body = Encoding.UTF8.GetString(item.Body);
        Attempts.Enqueue((body, DateTime.UtcNow));
        if (Refusing)
        {
            outages.ReportRefusal();
            throw new IOException("storage refuses writes until an operator acts");
        }

        if (DateTime.UtcNow < OutageUntil)
        {
            outages.Report();
            throw new TimeoutException("storage is down");
        }

        if (body == "fail")
        {
            throw new InvalidOperationException("this subscriber refuses the message");
        }

        received.Add(body);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

/// <summary>The provider on its own, outside FleetTwins: a test cluster, a real broker, a trivial mapper and subscriber.</summary>
public sealed class ProviderClusterTests
{
    public const string Namespace = "test";

    private static string Broker => Environment.GetEnvironmentVariable("FLEETTWINS_TEST_RABBITMQ")
        ?? throw new InvalidOperationException("FLEETTWINS_TEST_RABBITMQ is not set: run through `bash tools/test.sh`.");

    [Fact]
    public async Task Messages_reach_their_subscribers_and_a_message_whose_delivery_keeps_failing_is_parked()
    {
        await using var provider = await ProviderCluster.StartAsync(deliveryTime: TimeSpan.FromSeconds(3));
        var (queue, parking, channel, cluster) = (provider.Queue, provider.Parking, provider.Channel, provider.Cluster);

        async Task Publish(string body, string? key)
        {
            var properties = new BasicProperties { Persistent = true, MessageId = Guid.NewGuid().ToString("N") };
            if (key is not null)
            {
                properties.Headers = new Dictionary<string, object?> { ["key"] = Encoding.UTF8.GetBytes(key) };
            }

            await channel.BasicPublishAsync("", queue, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
        }

        await Publish("a1", "a");
        await Publish("fail", "b");
        await Publish("unkeyed", null);
        await Publish("a2", "a");
        await Publish("b2", "b");

        var grains = cluster.Client;
        await Until(async () => (await grains.GetGrain<IRecorderGrain>("b").ReceivedAsync()).Count == 1, "b2 delivered after the failing message");
        Assert.Equal(["a1", "a2"], await grains.GetGrain<IRecorderGrain>("a").ReceivedAsync());
        Assert.Equal(["b2"], await grains.GetGrain<IRecorderGrain>("b").ReceivedAsync());

        var lot = cluster.GetSiloServiceProvider().GetRequiredKeyedService<RabbitMQParkingLot>("amqp");
        var parked = await Until(async () => await lot.ListAsync(10), p => p.Count == 2, "two messages parked");
        Assert.Contains(parked, p => Encoding.UTF8.GetString(p.Message.Body) == "unkeyed" && p.Reason == "no key header");
        Assert.Contains(parked, p => Encoding.UTF8.GetString(p.Message.Body) == "fail" && p.Reason.Contains("kept failing") && p.OriginalQueue == queue);
        await Until(async () => (await channel.QueueDeclarePassiveAsync(queue)).MessageCount == 0, "the queue drained");
    }

    [Fact]
    public async Task A_message_whose_delivery_fails_through_an_outage_longer_than_the_delivery_time_is_handed_back_not_parked()
    {
        await using var provider = await ProviderCluster.StartAsync(deliveryTime: TimeSpan.FromSeconds(2));
        var (queue, parking, channel, cluster) = (provider.Queue, provider.Parking, provider.Channel, provider.Cluster);
        using var failed = new FailedDeliveries(queue);

        // An outage three times the delivery time: without the hand-back these would be parked as poison.
        RecorderGrain.OutageUntil = DateTime.UtcNow.AddSeconds(6);
        foreach (var body in new[] { "c1", "c2", "c3" })
        {
            var properties = new BasicProperties
            {
                Persistent = true,
                MessageId = body,
                Headers = new Dictionary<string, object?> { ["key"] = "c"u8.ToArray() },
            };
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
        }

        var received = await Until(async () => await cluster.Client.GetGrain<IRecorderGrain>("c").ReceivedAsync(),
            r => r.Count == 3, "every message delivered once the outage is over", TimeSpan.FromSeconds(90));
        Assert.True(DateTime.UtcNow >= RecorderGrain.OutageUntil);
        Assert.Equal(["c1", "c2", "c3"], received.Order());
        Assert.Equal(0u, (await channel.QueueDeclarePassiveAsync(parking)).MessageCount);
        Assert.True(failed["handed-back"] >= 1, "counted as handed back");
        Assert.Equal(0, failed["parked"]);
        await Until(async () => (await channel.QueueDeclarePassiveAsync(queue)).MessageCount == 0, "the queue drained");
    }

    [Fact]
    public async Task A_message_storage_refuses_is_handed_back_and_the_consumer_takes_nothing_while_paused()
    {
        var pause = TimeSpan.FromSeconds(4);
        await using var provider = await ProviderCluster.StartAsync(deliveryTime: TimeSpan.FromSeconds(1), pause);
        var (queue, parking, channel, cluster) = (provider.Queue, provider.Parking, provider.Channel, provider.Cluster);
        using var failed = new FailedDeliveries(queue);
        using var paused = new PausedQueues();

        RecorderGrain.Refusing = true;
        var properties = new BasicProperties { Persistent = true, MessageId = "r1", Headers = new Dictionary<string, object?> { ["key"] = "r"u8.ToArray() } };
        await channel.BasicPublishAsync("", queue, mandatory: true, properties, "r1"u8.ToArray());

        // The moment the pause is seen, and the last moment before it when it was not: the pause began between the
        // two, so it lasts at least until the second plus the pause, and no delivery may be attempted up to then.
        var notYet = DateTime.UtcNow;
        var pausedAt = (await Until(() =>
        {
            var now = DateTime.UtcNow;
            if (paused.IsPaused(queue))
            {
                return Task.FromResult<DateTime?>(now);
            }

            notYet = now;
            return Task.FromResult<DateTime?>(null);
        }, at => at is not null, "the consumer paused after the refusal"))!.Value;
        var surelyPausedUntil = notYet + pause;
        Assert.True(failed["handed-back"] >= 1, "the refused message handed back to the broker");
        RecorderGrain.Refusing = false; // an operator acted; the message must come once the pause ends

        var received = await Until(async () => await cluster.Client.GetGrain<IRecorderGrain>("r").ReceivedAsync(),
            r => r.Count == 1, "the message delivered after the pause", TimeSpan.FromSeconds(60));
        Assert.Equal(["r1"], received);
        // Refused before the pause, not attempted during it (though no longer refused), delivered after it.
        var attempts = RecorderGrain.Attempts.Where(a => a.Body == "r1").Select(a => a.At).ToList();
        Assert.Contains(attempts, at => at <= pausedAt);
        Assert.DoesNotContain(attempts, at => at > pausedAt && at < surelyPausedUntil);
        Assert.True(attempts[^1] >= surelyPausedUntil, $"delivered {surelyPausedUntil - attempts[^1]} before the pause could have ended");
        Assert.False(paused.IsPaused(queue));
        Assert.Equal(0, failed["parked"]);
        Assert.Equal(0u, (await channel.QueueDeclarePassiveAsync(parking)).MessageCount);
        await Until(async () => (await channel.QueueDeclarePassiveAsync(queue)).MessageCount == 0, "the queue drained");
    }

    /// <summary>A fresh queue and parking queue on the broker, and a one-silo test cluster consuming the queue.</summary>
    private sealed class ProviderCluster : IAsyncDisposable
    {
        private IConnection connection = null!;

        public string Queue { get; } = $"ft.provider.{Guid.NewGuid():N}";

        public string Parking => $"{Queue}.parked";

        public IChannel Channel { get; private set; } = null!;

        public InProcessTestCluster Cluster { get; private set; } = null!;

        public static async Task<ProviderCluster> StartAsync(TimeSpan deliveryTime, TimeSpan? refusalPause = null)
        {
            var provider = new ProviderCluster();
            var factory = new ConnectionFactory { Uri = new Uri(Broker), AutomaticRecoveryEnabled = false };
            provider.connection = await factory.CreateConnectionAsync();
            provider.Channel = await provider.connection.CreateChannelAsync(new CreateChannelOptions(true, true));
            await provider.Channel.QueueDeclareAsync(provider.Queue, durable: true, exclusive: false, autoDelete: false);
            await provider.Channel.QueueDeclareAsync(provider.Parking, durable: true, exclusive: false, autoDelete: false);

            var builder = new InProcessTestClusterBuilder(1);
            builder.ConfigureSilo((_, silo) => silo.AddRabbitMQStreams<HeaderMapper>("amqp", o =>
            {
                o.ConnectionString = Broker;
                o.Queues = [provider.Queue];
                o.ParkingQueue = provider.Parking;
                o.RefusalPause = refusalPause ?? o.RefusalPause;
            }, agent => agent.MaxEventDeliveryTime = deliveryTime));
            provider.Cluster = builder.Build();
            await provider.Cluster.DeployAsync();
            return provider;
        }

        public async ValueTask DisposeAsync()
        {
            await Cluster.DisposeAsync();
            await Channel.QueueDeleteAsync(Queue);
            await Channel.QueueDeleteAsync(Parking);
            await Channel.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>Counts <c>fleettwins.amqp.failed_deliveries</c> of one queue by outcome while it lives.</summary>
    private sealed class FailedDeliveries : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentDictionary<string, long> counts = new();

        public FailedDeliveries(string queue)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RabbitMQStreamMetrics.MeterName && instrument.Name == "fleettwins.amqp.failed_deliveries")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? q = null, outcome = null;
                foreach (var tag in tags)
                {
                    (q, outcome) = tag.Key switch { "queue" => (tag.Value as string, outcome), "outcome" => (q, tag.Value as string), _ => (q, outcome) };
                }

                if (q == queue && outcome is not null)
                {
                    counts.AddOrUpdate(outcome, value, (_, n) => n + value);
                }
            });
            listener.Start();
        }

        public long this[string outcome] => counts.GetValueOrDefault(outcome);

        public void Dispose() => listener.Dispose();
    }

    /// <summary>Reads the <c>fleettwins.amqp.paused</c> gauge of a queue on demand.</summary>
    private sealed class PausedQueues : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentDictionary<string, int> values = new();

        public PausedQueues()
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RabbitMQStreamMetrics.MeterName && instrument.Name == "fleettwins.amqp.paused")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "queue" && tag.Value is string queue)
                    {
                        values[queue] = value;
                    }
                }
            });
            listener.Start();
        }

        public bool IsPaused(string queue)
        {
            listener.RecordObservableInstruments();
            return values.GetValueOrDefault(queue) == 1;
        }

        public void Dispose() => listener.Dispose();
    }

    private static Task Until(Func<Task<bool>> condition, string what) => Until(condition, ok => ok, what);

    private static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{what} did not happen within {within ?? TimeSpan.FromSeconds(60)}");
    }
}
