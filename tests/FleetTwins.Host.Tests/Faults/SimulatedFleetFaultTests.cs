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
    [Fact]
    public async Task A_silo_killed_hard_mid_stream_loses_nothing_and_doubles_nothing()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 2);
        var sender = new FleetSender(cluster.Queue, () => cluster.Silos, SimulatedFleet.Pace);
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
        await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[^1], cluster.Queue, SimulatedFleet.Settle, fleet.ExpectedWithInFlight);
        Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));
        var takeOver = await cluster.AssertHandedOverAsync(killed, redelivered: true);
        fleet.Report(output, sender, $"one of two silos, the INVERS queue's consumer, killed at delivery {fleet.Deliveries.Count / 3} holding {fleet.InFlight.Count} more " +
            $"INVERS messages unacknowledged (state tables locked); {Failover(sender, killedAt)}; its replacement ready " +
            $"{joined.TotalSeconds:F0} s after starting; {takeOver}");
    }

    [Fact]
    public async Task The_only_silo_killed_hard_and_restarted_mid_stream_loses_nothing_and_doubles_nothing()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 1);
        var sender = new FleetSender(cluster.Queue, () => cluster.Silos, SimulatedFleet.Pace);
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
        await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[^1], cluster.Queue, SimulatedFleet.Settle);
        Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));
        var takeOver = await cluster.AssertHandedOverAsync(killed);
        fleet.Report(output, sender, $"the only silo killed at delivery {fleet.Deliveries.Count / 3}; restarted and ready {restarted.TotalSeconds:F0} s later; {takeOver}");
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
}
