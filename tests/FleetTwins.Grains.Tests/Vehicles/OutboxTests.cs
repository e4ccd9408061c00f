using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Grains.Tests.Vehicles;

[Collection(ClusterCollection.Name)]
public sealed class OutboxTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Notifications_reach_the_sink_once_after_it_recovers()
    {
        var id = $"outbox-{Guid.NewGuid():N}";
        var vehicle = fixture.Client.GetGrain<IVehicleTwinGrain>(id);
        fixture.Sink.FailuresToCome = 2;

        await vehicle.ApplyAsync(new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Tracker,
            [new TrackerEventReported("sos", 0, null) { At = fixture.Clock.GetUtcNow() }]), new VehicleIdentity(null, []));

        async Task ReceivedAsync(string type)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && !fixture.Sink.Received.Any(n => n.TwinId == id && n.Type == type))
            {
                // The retry backoff runs on the grain's (fake) clock.
                fixture.Clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(50);
            }
        }

        await ReceivedAsync("sos");

        // A later notification of the same twin: the outbox hands on what it still holds with it, so once it arrived
        // the sos would have come again had the outbox kept it.
        await vehicle.ApplyAsync(new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Tracker,
            [new TrackerEventReported("tampering", 0, null) { At = fixture.Clock.GetUtcNow() }]), new VehicleIdentity(null, []));
        await ReceivedAsync("tampering");

        var raised = await vehicle.GetNotificationsAsync();
        var delivered = fixture.Sink.Received.Where(n => n.TwinId == id).ToList();
        Assert.Equal(raised.Select(n => n.Id).Order(), delivered.Select(n => n.Id).Order());
        Assert.Single(delivered, n => n.Type == "sos");
        Assert.Single(delivered, n => n.Type == "tampering");
    }

    [Fact]
    public async Task A_failing_sink_is_retried_after_1_s_doubling_up_to_a_minute()
    {
        var id = $"backoff-{Guid.NewGuid():N}";
        var vehicle = fixture.Client.GetGrain<IVehicleTwinGrain>(id);
        TimeSpan[] expected = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8),
            TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(32), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60)];
        fixture.Sink.FailuresToCome = expected.Length;

        await vehicle.ApplyAsync(new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Tracker,
            [new TrackerEventReported("sos", 0, null) { At = fixture.Clock.GetUtcNow() }]), new VehicleIdentity(null, []));

        // The fake clock moves in quarter seconds, and waits after each attempt: the grain re-arms its timer in the
        // turn of the failed publish, so an attempt is never late by more than a step or two of this loop.
        var step = TimeSpan.FromMilliseconds(250);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<DateTimeOffset> Attempts() => [.. fixture.Sink.Attempts.Where(a => a.TwinId == id).Select(a => a.At)];
        while (DateTime.UtcNow < deadline && !fixture.Sink.Received.Any(n => n.TwinId == id))
        {
            var before = Attempts().Count;
            fixture.Clock.Advance(step);
            await Task.Delay(20);
            if (Attempts().Count > before)
            {
                await Task.Delay(200);
            }
        }

        var attempts = Attempts();
        Assert.Equal(expected.Length + 1, attempts.Count); // the failures, then the one that got through
        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => b - a).ToList();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.InRange(gaps[i], expected[i], expected[i] + TimeSpan.FromSeconds(1));
        }

        Assert.Single(fixture.Sink.Received, n => n.TwinId == id && n.Type == "sos");
    }

    [Fact]
    public async Task Vehicle_offline_is_announced_by_the_reminder_once_the_dwell_time_has_passed()
    {
        var id = $"offline-{Guid.NewGuid():N}";
        var vehicle = fixture.Client.GetGrain<IVehicleTwinGrain>(id);
        var now = fixture.Clock.GetUtcNow();
        await vehicle.ApplyAsync(new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new ConnectivityReported(true) { At = now }]), new VehicleIdentity(null, []));
        await vehicle.ApplyAsync(new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new ConnectivityReported(false) { At = now.AddSeconds(1) }]), new VehicleIdentity(null, []));
        Assert.DoesNotContain(await vehicle.GetNotificationsAsync(), n => n.Type == "vehicle-offline");

        fixture.Clock.Advance(TimeSpan.FromMinutes(3));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !(await vehicle.GetNotificationsAsync()).Any(n => n.Type == "vehicle-offline"))
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
        }

        Assert.Single(await vehicle.GetNotificationsAsync(), n => n.Type == "vehicle-offline");
    }
}
