using System.Text.Json;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.History;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Grains.Tests.History;

/// <summary>
/// The history read path against real twins in the test cluster: what <see cref="IVehicleHistoryGrain"/> answers is
/// checked against what the test itself delivered and what the twin answered at the time (independent oracles).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HistoryGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static VehicleIdentity Identity() => new(null, [$"imei:{Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999)}"]);

    private static readonly DateTimeOffset Min = DateTimeOffset.MinValue;
    private static readonly DateTimeOffset Max = DateTimeOffset.MaxValue;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task History_is_the_accepted_deliveries_in_source_time_order_with_late_and_duplicate_readings(int seed)
    {
        var random = new Random(seed);
        var id = $"hist-{seed}-{Guid.NewGuid():N}"[..30];
        var twin = fixture.Client.GetGrain<IVehicleTwinGrain>(id);
        var identity = Identity();
        var delivered = new List<(string DeliveryId, List<VehicleEvent> Events)>();
        var accepted = new HashSet<string>();
        var expected = new List<(DateTimeOffset At, int Arrival, int Ordinal, double Value, string DeliveryId, bool Applied)>();
        DateTimeOffset? newest = null;
        for (var i = 0; i < 60; i++)
        {
            // A retry of an earlier delivery now and then; otherwise 1-3 readings at random source times (older ones arrive late).
            var (deliveryId, events) = delivered.Count > 0 && random.Next(5) == 0
                ? delivered[random.Next(delivered.Count)]
                : ($"h-{id}-{i}", Enumerable.Range(0, random.Next(1, 4)).Select(k => (VehicleEvent)(k % 2 == 0
                    ? new StateOfChargeReported(random.Next(0, 101)) { At = T0.AddSeconds(random.Next(0, 600) * 10) }
                    : new PlugStateReported(random.Next(2) == 0) { At = T0.AddSeconds(random.Next(0, 600) * 10) })).ToList());
            delivered.Add((deliveryId, events));
            var outcome = await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>(deliveryId, Sources.Tracker, events), identity);
            Assert.Equal(accepted.Add(deliveryId) ? ApplyOutcome.Applied : ApplyOutcome.Duplicate, outcome);
            if (outcome != ApplyOutcome.Applied)
            {
                continue;
            }

            for (var ordinal = 0; ordinal < events.Count; ordinal++)
            {
                if (events[ordinal] is StateOfChargeReported soc)
                {
                    var applied = newest is null || soc.At >= newest;
                    newest = applied ? soc.At : newest;
                    expected.Add((soc.At, accepted.Count, ordinal, soc.Percent, deliveryId, applied));
                }
            }
        }

        var history = fixture.Client.GetGrain<IVehicleHistoryGrain>(id);
        var read = new List<HistoryPoint>();
        HistoryPosition? after = null;
        do
        {
            var page = await history.GetHistoryAsync(new HistoryQuery(HistoryReadings.StateOfCharge, Min, Max, 7, after));
            Assert.True(page.Items.Count <= 7);
            read.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        var ordered = expected.OrderBy(e => e.At).ThenBy(e => e.Arrival).ThenBy(e => e.Ordinal).ToList();
        Assert.Equal(ordered.Select(e => (e.At, e.Value, e.DeliveryId, e.Applied)),
            read.Select(p => (p.At, p.Value!.Value, p.DeliveryId!, p.Applied)));
        Assert.All(read, p => Assert.Equal("percent", p.Unit));
        Assert.All(read, p => Assert.Equal(Sources.Tracker, p.Source));

        // A window of source time holds exactly the readings in it.
        var from = T0.AddMinutes(20);
        var to = T0.AddMinutes(60);
        var window = await history.GetHistoryAsync(new HistoryQuery(HistoryReadings.StateOfCharge, from, to, 1000, null));
        Assert.Equal(ordered.Where(e => e.At >= from && e.At <= to).Select(e => e.DeliveryId), window.Items.Select(p => p.DeliveryId!));
        Assert.Null(window.Next);
    }

    [Fact]
    public async Task AsOf_at_every_version_is_the_state_the_twin_had_then()
    {
        var id = $"asof-{Guid.NewGuid():N}"[..28];
        var twin = fixture.Client.GetGrain<IVehicleTwinGrain>(id);
        var identity = Identity();
        var random = new Random(7);
        var seen = new List<(DateTimeOffset At, VehicleTwin Twin)>();
        var before = fixture.Clock.GetUtcNow();
        for (var i = 0; i < 40; i++)
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(30));
            if (i % 9 == 8)
            {
                // A change that is snapshotted, not journaled: asOf must hold it too.
                await twin.SetChargingTargetAsync(50 + i, "api");
            }
            else
            {
                await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"a-{id}-{i}", Sources.Volteras,
                [
                    new StateOfChargeReported(random.Next(10, 100)) { At = T0.AddMinutes(random.Next(0, 200)) },
                    new LocationReported(48 + random.NextDouble(), 11 + random.NextDouble()) { At = T0.AddMinutes(random.Next(0, 200)) },
                    new ChargingStateReported(random.Next(2) == 0 ? "CHARGING" : "NOT_CHARGING") { At = T0.AddMinutes(random.Next(0, 200)) },
                ]), identity);
            }

            seen.Add((fixture.Clock.GetUtcNow(), (await twin.GetAsync())!));
        }

        var history = fixture.Client.GetGrain<IVehicleHistoryGrain>(id);
        foreach (var (at, then) in seen)
        {
            var answer = await history.GetAsOfAsync(at);
            Assert.NotNull(answer.Twin);
            Assert.Equal(then.Version, answer.Twin!.Version);
            Assert.Equal(JsonSerializer.Serialize(then, Json), JsonSerializer.Serialize(answer.Twin, Json));
        }

        Assert.Null((await history.GetAsOfAsync(before)).Twin);
    }

    [Fact]
    public async Task A_trips_track_is_the_positions_received_during_it()
    {
        var id = $"trip-{Guid.NewGuid():N}"[..28];
        var twin = fixture.Client.GetGrain<IVehicleTwinGrain>(id);
        var identity = Identity();
        var start = T0.AddHours(1);
        var end = start.AddMinutes(30);
        var random = new Random(11);
        var positions = Enumerable.Range(0, 80)
            .Select(i => new LocationReported(52 + random.NextDouble() / 10, 13 + random.NextDouble() / 10) { At = start.AddMinutes(random.Next(-20, 50)) })
            .ToList();
        var n = 0;
        await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"t-{id}-{n++}", Sources.Invers,
            [new StateOfChargeReported(80) { At = start.AddMinutes(-1) }, new EnergyRemainingReported(40) { At = start.AddMinutes(-1) }]), identity);
        await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"t-{id}-{n++}", Sources.Invers, [new TripStarted("trip-1", 52, 13) { At = start }]), identity);
        foreach (var chunk in positions.Chunk(3))
        {
            await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"t-{id}-{n++}", Sources.Invers, [.. chunk]), identity);
        }

        await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"t-{id}-{n++}", Sources.Invers,
            [new StateOfChargeReported(65) { At = end }, new EnergyRemainingReported(33) { At = end }]), identity);
        await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"t-{id}-{n++}", Sources.Invers, [new TripEnded("trip-1", null, 52.1, 13.1, null) { At = end }]), identity);

        var history = fixture.Client.GetGrain<IVehicleHistoryGrain>(id);
        var trips = await history.ListTripsAsync(new TripQuery(Min, Max, 10, null));
        var trip = Assert.Single(trips.Items);
        Assert.Equal(("trip-1", start, (DateTimeOffset?)end), (trip.Id, trip.StartedAt, trip.EndedAt));
        Assert.Equal(80, trip.SocStart);
        Assert.Equal(65, trip.SocEnd);
        Assert.Equal(7, trip.EnergyUsedKwh);

        var during = positions.Select((p, i) => (p, i)).Where(x => x.p.At >= start && x.p.At <= end)
            .OrderBy(x => x.p.At).ThenBy(x => x.i).Select(x => (x.p.Latitude, x.p.Longitude, x.p.At)).ToList();
        Assert.Equal(during.Count, trip.Positions);
        var track = new List<TrackPoint>();
        HistoryPosition? after = null;
        do
        {
            var page = await history.GetTrackAsync("trip-1", 10, after);
            Assert.NotNull(page);
            track.AddRange(page!.Points);
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(during, track.Select(p => (p.Latitude, p.Longitude, p.At)));
        Assert.Null(await history.GetTrackAsync("no-such-trip", 10, null));
    }

    [Fact]
    public async Task Notifications_of_a_window_are_those_the_twin_raised_then()
    {
        var id = $"note-{Guid.NewGuid():N}"[..28];
        var twin = fixture.Client.GetGrain<IVehicleTwinGrain>(id);
        var identity = Identity();
        for (var i = 0; i < 6; i++)
        {
            await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"n-{id}-{i}", Sources.Volteras,
                [new PlugStateReported(i % 2 == 0) { At = T0.AddMinutes(i * 10) }]), identity);
        }

        var raised = (await twin.GetNotificationsAsync()).Where(n => n.Type is "plugged-in" or "unplugged").OrderBy(n => n.At).ToList();
        Assert.Equal(6, raised.Count);
        var page = await fixture.Client.GetGrain<IVehicleHistoryGrain>(id)
            .GetNotificationsAsync(new NotificationQuery(T0.AddMinutes(15), T0.AddMinutes(45), 2, null));
        Assert.Equal(raised.Where(n => n.At >= T0.AddMinutes(15) && n.At <= T0.AddMinutes(45)).Take(2).Select(n => n.Id), page.Items.Select(n => n.Id));
        Assert.NotNull(page.Next);
    }
}
