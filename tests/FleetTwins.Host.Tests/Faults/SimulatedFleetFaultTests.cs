using System.Diagnostics;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// Faults injected while the simulator's mix flows into a cluster on the real PostgreSQL and RabbitMQ (webhooks
/// to every live silo, INVERS over AMQP). A silo that is killed or stopped is the one consuming the INVERS queue
/// (read off its <c>/metrics</c>), and another silo must be seen consuming it afterwards: the hand-over is part of
/// the scenario, not a coin toss. Each scenario then compares every twin with what was sent
/// (<see cref="SimulatedFleet"/>, once quiet): nothing lost, nothing doubled, no older reading over a newer one,
/// nothing parked.
/// </summary>
public sealed class SimulatedFleetFaultTests(SimulatedFleet fleet, ITestOutputHelper output) : IClassFixture<SimulatedFleet>
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(3);

    // Between deliveries while a fault is under way (FleetSender.PaceDuring): the 270 or so still to send then last
    // about 45 s, long enough for silos to start, stop and be voted out mid-stream.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task A_silo_killed_hard_mid_stream_loses_nothing_and_doubles_nothing()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 2);
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

        sender.PaceDuring(fleet.Deliveries.Count / 3, faults);
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
        await using var cluster = await FaultCluster.StartAsync(silos: 1);
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

        sender.PaceDuring(fleet.Deliveries.Count / 3, faults);
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
        await using var cluster = await FaultCluster.StartAsync(silos: 2);
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

        sender.PaceDuring(fleet.Deliveries.Count / 8, faults);
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
        await using var cluster = await FaultCluster.StartAsync(silos: 1);
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

        sender.PaceDuring(fleet.Deliveries.Count / 3, faults);
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

    private void Report(FleetSender sender, string fault) => output.WriteLine($"{fault}: {fleet.Figures(sender)}");
}
