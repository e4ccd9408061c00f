using FleetTwins.Tests.Infrastructure;
using System.Collections.Concurrent;
using System.Text.Json;
using FleetTwins.Host.Tests.Amqp;
using FleetTwins.Host.Tests.Infrastructure;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// Faults injected while the simulator's mix flows into a cluster on the real PostgreSQL and RabbitMQ (webhooks
/// to every live silo, INVERS over AMQP). Each scenario then compares every twin and its notifications with the
/// fault-free run of the same deliveries (<see cref="SimulatedFleet"/>): nothing lost, nothing doubled, no older
/// reading over a newer one, nothing parked.
/// </summary>
[Collection(AmqpCollection.Name)]
public sealed class SimulatedFleetFaultTests(SimulatedFleet fleet, ITestOutputHelper output) : IClassFixture<SimulatedFleet>
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(3);

    // 400 deliveries over about a minute: long enough for silos to start, stop and be voted out mid-stream.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task A_silo_killed_hard_mid_stream_loses_nothing_and_doubles_nothing()
    {
        await using var cluster = await Cluster.StartAsync(silos: 2);
        var sender = new FleetSender(cluster.Queue, () => cluster.Silos, Pace);
        var faults = Task.Run(async () =>
        {
            await sender.SentAtLeastAsync(fleet.Deliveries.Count / 3);
            await cluster.Silos[0].KillAsync(); // SIGKILL: no goodbye to the cluster, unacknowledged messages in flight
            await sender.SentAtLeastAsync(fleet.Deliveries.Count / 2);
            var joining = System.Diagnostics.Stopwatch.StartNew();
            await cluster.AddSiloAsync(); // a replacement joins once the dead silo is voted out
            return joining.Elapsed;
        });

        await sender.SendAsync(fleet.Deliveries);
        var joined = await faults;
        await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[^1], Settle);
        Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));
        Report(sender, $"one of two silos killed at delivery {fleet.Deliveries.Count / 3}; its replacement ready {joined.TotalSeconds:F0} s after starting");
    }

    [Fact]
    public async Task The_only_silo_killed_hard_and_restarted_mid_stream_loses_nothing_and_doubles_nothing()
    {
        await using var cluster = await Cluster.StartAsync(silos: 1);
        var sender = new FleetSender(cluster.Queue, () => cluster.Silos, Pace);
        var faults = Task.Run(async () =>
        {
            await sender.SentAtLeastAsync(fleet.Deliveries.Count / 3);
            await cluster.Silos[0].KillAsync();

            // The new silo finds the dead one still active in the membership table and votes it out on its own.
            var restarting = System.Diagnostics.Stopwatch.StartNew();
            await cluster.AddSiloAsync();
            return restarting.Elapsed;
        });

        await sender.SendAsync(fleet.Deliveries);
        var restarted = await faults;
        await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[^1], Settle);
        Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));
        Report(sender, $"the only silo killed at delivery {fleet.Deliveries.Count / 3}; restarted and ready {restarted.TotalSeconds:F0} s later");
    }

    [Fact]
    public async Task A_rolling_restart_of_every_silo_mid_stream_loses_nothing_and_doubles_nothing()
    {
        await using var cluster = await Cluster.StartAsync(silos: 2);
        var sender = new FleetSender(cluster.Queue, () => cluster.Silos, Pace);
        var faults = Task.Run(async () =>
        {
            // One silo at a time: a new one joins, then an old one leaves gracefully — as a deployment rolls.
            await sender.SentAtLeastAsync(fleet.Deliveries.Count / 8);
            foreach (var old in cluster.Silos.ToList())
            {
                await cluster.AddSiloAsync();
                await old.StopAsync();
            }

            return sender.Sent;
        });

        await sender.SendAsync(fleet.Deliveries);
        Assert.True(await faults < fleet.Deliveries.Count, "the restart finished before the stream did");
        Assert.All(cluster.Silos.Take(2), s => Assert.True(s.HasExited));
        await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[^1], Settle);
        Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));
        Report(sender, "both silos replaced one at a time");
    }

    [Fact]
    public async Task A_slow_database_holds_answers_back_and_loses_nothing()
    {
        await using var cluster = await Cluster.StartAsync(silos: 1);
        var sender = new FleetSender(cluster.Queue, () => cluster.Silos, Pace / 3);
        var held = TimeSpan.FromSeconds(12);
        var faults = Task.Run(async () =>
        {
            await sender.SentAtLeastAsync(fleet.Deliveries.Count / 3);

            // Another session holds an exclusive lock on the twins' state table: every state read and write waits.
            await using var connection = await cluster.Database.DataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand("LOCK TABLE fleettwins_grain_state IN ACCESS EXCLUSIVE MODE", connection, transaction))
            {
                await command.ExecuteNonQueryAsync();
            }

            await Task.Delay(held);
            await transaction.CommitAsync();
        });

        await sender.SendAsync(fleet.Deliveries);
        await faults;
        await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[0], Settle);
        Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));

        // Back-pressure: a delivery that arrived under the lock was answered only once it was durable.
        Assert.True(sender.LongestAnswer > held / 2, $"the longest answer took {sender.LongestAnswer}");
        Report(sender, $"state table locked for {held.TotalSeconds:F0} s");
    }

    [Fact]
    public async Task A_full_notification_sink_holds_notifications_in_the_outbox_until_it_has_room()
    {
        // A consumer's queue on the notification exchange that takes five messages and refuses the rest
        // (reject-publish: the broker answers the publisher's confirm with a nack).
        var factory = new ConnectionFactory { Uri = new Uri(TestServices.RabbitMQ), AutomaticRecoveryEnabled = false };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("fleettwins.notifications", ExchangeType.Topic, durable: true, autoDelete: false);
        var full = $"ft.notifications.full.{Guid.NewGuid():N}";
        await channel.QueueDeclareAsync(full, durable: false, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-max-length"] = 5, ["x-overflow"] = "reject-publish" });

        await channel.QueueBindAsync(full, "fleettwins.notifications", "#");
        try
        {
            await using var cluster = await Cluster.StartAsync(silos: 1);
            var sender = new FleetSender(cluster.Queue, () => cluster.Silos);
            await sender.SendAsync(fleet.Deliveries);

            // Ingestion goes on while the sink is full: every twin as expected, nothing parked.
            await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[0], Settle);
            Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));
            Assert.Equal(5u, (await channel.QueueDeclarePassiveAsync(full)).MessageCount);

            // The consumer catches up: every notification raised arrives (at least once), none is lost.
            var received = new ConcurrentDictionary<string, bool>();
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                received[JsonDocument.Parse(delivery.Body.ToArray()).RootElement.GetProperty("id").GetString()!] = true;
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(full, autoAck: true, consumer);
            var expected = fleet.ExpectedNotificationIds.ToHashSet();
            Assert.NotEmpty(expected);
            await Eventually.ReturnsAsync(() => Task.FromResult(expected.Count(received.ContainsKey)), n => n == expected.Count,
                TimeSpan.FromMinutes(3), $"all {expected.Count} notifications delivered once the sink has room");
            Report(sender, $"notification queue full (5 messages, reject-publish); {expected.Count} notifications delivered once it had room");
        }
        finally
        {
            await channel.QueueDeleteAsync(full);
        }
    }

    /// <summary>The scenario's figures for docs/RELIABILITY.md: every twin matched, so every distinct delivery was applied once.</summary>
    private void Report(FleetSender sender, string fault)
    {
        var distinct = fleet.Deliveries.Select(d => d.Id).Distinct().Count();
        output.WriteLine($"{fault}: sent {fleet.Deliveries.Count} deliveries ({fleet.Deliveries.Count(d => d.Provider == "invers")} over AMQP; {distinct} distinct, the rest provider retries), " +
            $"{sender.Retries} webhook attempts answered 5xx/429 or cut and retried, longest answer {sender.LongestAnswer.TotalSeconds:F1} s; " +
            $"{fleet.Expected.Count} twins equal to the fault-free run: {distinct} applied, 0 lost, 0 doubled");
    }

    /// <summary>Cluster silos on a fresh database and INVERS queue, started and stopped as the scenario says.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private readonly ConcurrentQueue<HostProcess> silos = new();
        private readonly Dictionary<string, string> settings;

        private Cluster(PostgresDatabase database, AmqpQueue queue)
        {
            (Database, Queue) = (database, queue);
            settings = SimulatedFleet.Settings(queue, database.ClusterSettings(migrate: true));
            settings["RateLimits__Webhooks__PermitsPerSecond"] = "0";
        }

        public PostgresDatabase Database { get; }

        public AmqpQueue Queue { get; }

        /// <summary>Every silo started, in order, including those stopped or killed since.</summary>
        public IReadOnlyList<HostProcess> Silos => [.. silos];

        public static async Task<Cluster> StartAsync(int silos)
        {
            var cluster = new Cluster(await PostgresDatabase.CreateAsync(), await AmqpQueue.CreateAsync());
            for (var i = 0; i < silos; i++)
            {
                await cluster.AddSiloAsync();
            }

            return cluster;
        }

        public async Task AddSiloAsync() => silos.Enqueue(await HostProcess.StartAsync(settings, TimeSpan.FromMinutes(3)));

        public async ValueTask DisposeAsync()
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }

            await Queue.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
