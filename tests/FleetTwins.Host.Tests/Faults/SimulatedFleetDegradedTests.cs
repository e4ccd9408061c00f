using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// The simulator's mix (<see cref="SimulatedFleet"/>) through a cluster degraded without a crash: every silo replaced
/// one at a time, and the database slow. As in <see cref="SimulatedFleetFaultTests"/> (a class of its own so that the
/// two run side by side), every twin is then compared with what was sent: nothing lost, nothing doubled, nothing parked.
/// </summary>
public sealed class SimulatedFleetDegradedTests(SimulatedFleet fleet, ITestOutputHelper output) : IClassFixture<SimulatedFleet>
{
    [Fact]
    public async Task A_rolling_restart_of_every_silo_mid_stream_loses_nothing_and_doubles_nothing()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 2);
        var sender = new FleetSender(cluster.Queue, () => cluster.Silos, SimulatedFleet.Pace);
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
        await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[^1], cluster.Queue, SimulatedFleet.Settle);
        Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));
        // Whichever old silo held the queue has stopped: a new one consumes it.
        var takeOver = await cluster.AssertHandedOverAsync(cluster.Silos[0]);
        fleet.Report(output, sender, $"both silos replaced one at a time; {takeOver}");
    }

    [Fact]
    public async Task A_slow_database_holds_answers_back_and_loses_nothing()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 1);
        var sender = new FleetSender(cluster.Queue, () => cluster.Silos, SimulatedFleet.Pace / 3);
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
        await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[0], cluster.Queue, SimulatedFleet.Settle);
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
        fleet.Report(output, sender, $"state tables locked for {held.TotalSeconds:F0} s; {heldBack.Count} deliveries held back until the release, {underLock.Count} sent under the lock, each answered after it");
    }
}
