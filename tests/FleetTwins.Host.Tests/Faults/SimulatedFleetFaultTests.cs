using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using FleetTwins.Host.Tests.Amqp;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// Faults injected while the simulator's mix flows into a cluster on the real PostgreSQL and RabbitMQ (webhooks
/// to every live silo, INVERS over AMQP). A silo that is killed or stopped is the one consuming the INVERS queue
/// (read off its <c>/metrics</c>), and another silo must be seen consuming it afterwards: the hand-over is part of
/// the scenario, not a coin toss. Each scenario then compares every twin with what was sent
/// (<see cref="SimulatedFleet"/>, once quiet): nothing lost, nothing doubled, no older reading over a newer one,
/// nothing parked.
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
            var consumer = await cluster.ConsumerAsync();

            // Messages in flight at the kill, for certain: with the state tables locked nothing can be persisted, so
            // what the consumer receives now stays unacknowledged; SIGKILL (no goodbye to the cluster) then hands it
            // back to the broker, which must redeliver it to the silo that takes the queue over.
            await using (await cluster.Database.LockStateTablesAsync())
            {
                await new FleetSender(cluster.Queue, () => []).SendAsync(fleet.InFlight);
                await Eventually.ReturnsAsync(() => cluster.Queue.ReadyAsync(cluster.Queue.Name), ready => ready == 0,
                    TimeSpan.FromSeconds(30), "the in-flight messages received by the consumer");
                await consumer.KillAsync();
            }

            var killedAt = sender.Now;
            await sender.SentAtLeastAsync(fleet.Deliveries.Count / 2);
            var joining = Stopwatch.StartNew();
            await cluster.AddSiloAsync(); // a replacement joins once the dead silo is voted out
            return (consumer, killedAt, joining.Elapsed);
        });

        await sender.SendAsync(fleet.Deliveries);
        var (killed, killedAt, joined) = await faults;
        await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[^1], cluster.Queue, Settle, fleet.ExpectedWithInFlight);
        Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));
        var takeOver = await cluster.AssertHandedOverAsync(killed, redelivered: true);
        Report(sender, $"one of two silos, the INVERS queue's consumer, killed at delivery {fleet.Deliveries.Count / 3} holding {fleet.InFlight.Count} more " +
            $"INVERS messages unacknowledged (state tables locked); {Failover(sender, killedAt)}; its replacement ready " +
            $"{joined.TotalSeconds:F0} s after starting; {takeOver}");
    }

    [Fact]
    public async Task The_only_silo_killed_hard_and_restarted_mid_stream_loses_nothing_and_doubles_nothing()
    {
        await using var cluster = await Cluster.StartAsync(silos: 1);
        var sender = new FleetSender(cluster.Queue, () => cluster.Silos, Pace);
        var faults = Task.Run(async () =>
        {
            await sender.SentAtLeastAsync(fleet.Deliveries.Count / 3);
            var consumer = await cluster.ConsumerAsync();
            await consumer.KillAsync();

            // The new silo finds the dead one still active in the membership table and votes it out on its own.
            var restarting = Stopwatch.StartNew();
            await cluster.AddSiloAsync();
            return (consumer, restarting.Elapsed);
        });

        await sender.SendAsync(fleet.Deliveries);
        var (killed, restarted) = await faults;
        await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[^1], cluster.Queue, Settle);
        Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));
        var takeOver = await cluster.AssertHandedOverAsync(killed);
        Report(sender, $"the only silo killed at delivery {fleet.Deliveries.Count / 3}; restarted and ready {restarted.TotalSeconds:F0} s later; {takeOver}");
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
        await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[^1], cluster.Queue, Settle);
        Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));
        // Whichever old silo held the queue has stopped: a new one consumes it.
        var takeOver = await cluster.AssertHandedOverAsync(cluster.Silos[0]);
        Report(sender, $"both silos replaced one at a time; {takeOver}");
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

            // Another session holds an exclusive lock on the twins' state tables: every state read and write waits.
            var tableLock = await cluster.Database.LockStateTablesAsync();
            var locked = sender.Now;
            await Task.Delay(held);
            var released = sender.Now;
            await tableLock.DisposeAsync();
            return (locked, released);
        });

        await sender.SendAsync(fleet.Deliveries);
        var (locked, released) = await faults;
        await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[0], cluster.Queue, Settle);
        Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));

        // Back-pressure: every new delivery sent while the table was locked was answered only after the lock went,
        // once it was durable — none was acknowledged while its write could not have happened.
        var underLock = sender.Answers.Where(a => !a.Retry && a.Started >= locked && a.Started < released).ToList();
        Assert.All(underLock, a => Assert.True(a.Accepted >= released,
            $"{a.Delivery.Provider} delivery {a.Delivery.Id} sent {a.Started - locked} into the lock was accepted {released - a.Accepted} before it was released"));
        // And the lock did hold deliveries back. The sender sends one at a time, so the webhook in flight when the
        // lock was taken (or the first one after it) waits for the release, and the sender with it: the proof is a
        // delivery started before the middle of the lock and answered after it ended, whichever side of `locked`.
        var heldBack = sender.Answers.Where(a => !a.Retry && a.Started < locked + held / 2 && a.Accepted >= released).ToList();
        Assert.NotEmpty(heldBack);
        Report(sender, $"state tables locked for {held.TotalSeconds:F0} s; {heldBack.Count} deliveries held back until the release, {underLock.Count} sent under the lock, each answered after it");
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
            await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[0], cluster.Queue, Settle);
            Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));
            Assert.Equal(5u, (await channel.QueueDeclarePassiveAsync(full)).MessageCount);

            // The consumer catches up. What must arrive is computed from what was sent, not read from the product: one
            // notification per distinct alarm delivery, on its vehicle's twin.
            var received = new ConcurrentQueue<ReceivedNotification>();
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                using var json = JsonDocument.Parse(delivery.Body.ToArray());
                var n = json.RootElement;
                received.Enqueue(new ReceivedNotification(n.GetProperty("id").GetString()!, n.GetProperty("type").GetString()!,
                    n.GetProperty("twinId").GetString()!, $"{n.GetProperty("at").GetString()} {n.GetProperty("data").GetRawText()}"));
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(full, autoAck: true, consumer);
            var expected = await fleet.ExpectedNotificationsAsync(cluster.Silos[0]);
            Assert.True(expected.Values.Sum() > 5, $"{expected.Values.Sum()} alarm notifications expected: not enough to fill the sink");
            int DistinctIds((string TwinId, string Type) key) =>
                received.Where(r => (r.TwinId, r.Type) == key).Select(r => r.Id).Distinct(StringComparer.Ordinal).Count();

            // The end of the outboxes: every notification the twins hold (the product's own record, raised in the same
            // write as its outbox entry) reached the queue, so nothing more is coming.
            var stored = await fleet.RaisedNotificationIdsAsync(cluster.Silos[0]);
            await Eventually.ReturnsAsync(() => Task.FromResult(stored.Count(id => received.Any(r => r.Id == id))), n => n == stored.Count,
                TimeSpan.FromMinutes(3), $"all {stored.Count} notifications the twins hold delivered once the sink has room");

            // Each expected one under one id: none missing, none raised twice. Delivery is at least once (a redelivery
            // keeps its id), so the same content under two ids would be a notification raised twice.
            Assert.All(expected, e => Assert.True(DistinctIds(e.Key) == e.Value,
                $"{e.Key.Type} on {e.Key.TwinId}: {DistinctIds(e.Key)} received, {e.Value} sent"));
            var doubled = received.GroupBy(r => (r.TwinId, r.Type, r.Content))
                .Where(g => g.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count() > 1).Select(g => g.Key).ToList();
            Assert.True(doubled.Count == 0, $"{doubled.Count} notifications received under two ids: {string.Join("; ", doubled.Take(5))}");
            var distinct = received.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count();
            Report(sender, $"notification queue full (5 messages, reject-publish); once it had room {distinct} " +
                $"notifications received ({received.Count - distinct} redelivered), the {expected.Values.Sum()} alarm notifications the deliveries raise among them, each once");
        }
        finally
        {
            await channel.QueueDeleteAsync(full);
        }
    }

    /// <summary>
    /// How long webhook deliveries waited after a silo's kill, from the kill (or their first attempt, if later) until a
    /// surviving silo accepted them: the dead silo's twins answer nothing until it is voted out of the cluster.
    /// </summary>
    private static string Failover(FleetSender sender, TimeSpan killedAt)
    {
        var waits = sender.Answers.Where(a => a.Accepted > killedAt)
            .Select(a => a.Accepted - (a.Started > killedAt ? a.Started : killedAt))
            .Order().ToList();
        Assert.NotEmpty(waits);
        var slow = waits.Count(w => w > TimeSpan.FromSeconds(1));
        return $"{waits.Count} webhooks answered after the kill, {slow} of them after more than 1 s, the longest after {waits[^1].TotalSeconds:F1} s";
    }

    /// <summary>The scenario's figures for docs/RELIABILITY.md: every twin matched, so every distinct delivery was applied once.</summary>
    private void Report(FleetSender sender, string fault)
    {
        var distinct = fleet.Deliveries.Select(d => d.Id).Distinct().Count();
        output.WriteLine($"{fault}: sent {fleet.Deliveries.Count} deliveries ({fleet.Deliveries.Count(d => d.Provider == "invers")} over AMQP; {distinct} distinct, the rest provider retries), " +
            $"webhook attempts by answer {sender.AttemptOutcomes} ({sender.Retries} retried), longest answer {sender.LongestAnswer.TotalSeconds:F1} s; " +
            $"{fleet.Expected.Twins.Count} twins as sent, once quiet: {distinct} applied, 0 lost, 0 doubled");
    }

    /// <summary>A notification as the queue on the exchange received it; <c>Content</c> is its time and data.</summary>
    private sealed record ReceivedNotification(string Id, string Type, string TwinId, string Content);

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

        /// <summary>The live silo that consumes the INVERS queue now.</summary>
        public Task<HostProcess> ConsumerAsync() => AmqpConsumers.ConsumerAsync(Silos, Queue.Name, TimeSpan.FromMinutes(1));

        /// <summary>
        /// Asserts that a live silo other than <paramref name="gone"/> consumes the queue now, and that the live silos
        /// (the queue may have moved on again when a replacement joined) received messages of it — some of them
        /// redelivered, when <paramref name="redelivered"/>; answers what they received, for the report.
        /// </summary>
        public async Task<string> AssertHandedOverAsync(HostProcess gone, bool redelivered = false)
        {
            Assert.True(gone.HasExited, "the silo that held the queue is still running");
            await AmqpConsumers.ConsumerAsync(Silos, Queue.Name, TimeSpan.FromMinutes(1), other: gone);
            double received = 0, again = 0;
            foreach (var silo in Silos.Where(s => !s.HasExited))
            {
                received += await AmqpConsumers.ReceivedAsync(silo, Queue.Name);
                again += await AmqpConsumers.ReceivedAsync(silo, Queue.Name, redelivered: true);
            }

            Assert.True(received > 0, "no silo left running received anything from the queue");
            Assert.True(!redelivered || again > 0, "the messages the stopped silo held were not redelivered to the silos left running");
            return $"the queue taken over: the silos left running received {received} messages of it ({again} redelivered)";
        }

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
