using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.History;
using FleetTwins.Grains.History;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Vehicles;

namespace FleetTwins.Grains.Tests.History;

/// <summary>The journal decoded for reading, without a cluster: late flags as the twin's state rules them, trips measured.</summary>
public sealed class TwinTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static DeliveryApplied Delivery(string id, params VehicleEvent[] events) =>
        new(new TwinEventBatch<VehicleEvent>(id, Sources.Volteras, events), T0, null);

    [Fact]
    public void A_reading_is_late_exactly_when_the_twins_state_kept_the_newer_one()
    {
        var timeline = new TwinTimeline("car", new NotificationOptions());
        timeline.Start(new VehicleTwinState(), 0);
        var state = new VehicleTwinState();
        VehicleEvent[] events =
        [
            new TirePressureReported("FRONT_LEFT", 230) { At = T0.AddMinutes(5) },
            new TirePressureReported("REAR_RIGHT", 220) { At = T0.AddMinutes(1) }, // another key: not late
            new TirePressureReported("FRONT_LEFT", 231) { At = T0.AddMinutes(5) }, // same time as the newest: replaces it
            new TirePressureReported("FRONT_LEFT", 228) { At = T0.AddMinutes(4) }, // older: late
            new ConnectivityReported(false) { At = T0.AddMinutes(3) },           // older than the readings that said it was seen: late
            new ConnectivityReported(false) { At = T0.AddMinutes(6) },
        ];
        for (var i = 0; i < events.Length; i++)
        {
            var change = Delivery($"d-{i}", events[i]);
            timeline.Add(i + 1, T0, change.Batch.DeliveryId, change);
            state.Apply("car", change, new NotificationOptions(), []);
        }

        var (tires, _) = timeline.Readings(HistoryReadings.Tires, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, null, 100);
        Assert.Equal([("REAR_RIGHT", 220.0, true), ("FRONT_LEFT", 228, false), ("FRONT_LEFT", 230, true), ("FRONT_LEFT", 231, true)],
            tires.Select(p => (p.Key!, p.Value!.Value, p.Applied)));
        Assert.Equal(231, state.Tires["FRONT_LEFT"].Value);
        var (connectivity, _) = timeline.Readings(HistoryReadings.Connectivity, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, null, 100);
        Assert.Equal([false, true], connectivity.Select(p => p.Applied));
        Assert.Equal(T0.AddMinutes(6), state.Connectivity!.At);
    }

    [Fact]
    public void A_trip_without_reported_metrics_is_measured_from_the_readings_during_it()
    {
        var timeline = new TwinTimeline("car", new NotificationOptions());
        timeline.Start(new VehicleTwinState(), 0);
        VehicleEvent[][] deliveries =
        [
            [new OdometerReported(1000) { At = T0.AddMinutes(-1) }, new StateOfChargeReported(90) { At = T0.AddMinutes(-1) }],
            [new TripStarted("t1", 52, 13) { At = T0 }],
            [new LocationReported(52.0, 13.0) { At = T0.AddMinutes(1) }, new LocationReported(52.01, 13.0) { At = T0.AddMinutes(2) }],
            [new OdometerReported(1012.5) { At = T0.AddMinutes(9) }, new StateOfChargeReported(84) { At = T0.AddMinutes(9) }],
            [new TripEnded("t1", null, 52.01, 13.0, null) { At = T0.AddMinutes(10) }],
            [new LocationReported(53, 14) { At = T0.AddMinutes(11) }],
        ];
        for (var i = 0; i < deliveries.Length; i++)
        {
            timeline.Add(i + 1, T0, $"d-{i}", Delivery($"d-{i}", deliveries[i]));
        }

        var trip = timeline.Trip("t1")!;
        Assert.Equal((T0, (DateTimeOffset?)T0.AddMinutes(10), 12.5, 90.0, 84.0, 2),
            (trip.StartedAt, trip.EndedAt, trip.DistanceKm!.Value, trip.SocStart!.Value, trip.SocEnd!.Value, trip.Positions));
        Assert.Equal(1.11, TwinTimeline.Length(timeline.Track(trip, null, 100).Items), 2);
        Assert.Null(timeline.Trip("t2"));
    }
}
