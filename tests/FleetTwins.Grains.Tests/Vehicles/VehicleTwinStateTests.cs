using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Vehicles;

namespace FleetTwins.Grains.Tests.Vehicles;

public sealed class VehicleTwinStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static VehicleTwinState Apply(params (VehicleEvent Event, string Source)[] events)
    {
        var state = new VehicleTwinState();
        foreach (var (e, source) in events)
        {
            state.Apply(e, source);
        }

        return state;
    }

    [Fact]
    public void Older_reading_never_overwrites_newer_one()
    {
        var state = Apply(
            (new StateOfChargeReported(80) { At = T0.AddMinutes(10) }, Sources.Volteras),
            (new StateOfChargeReported(60) { At = T0 }, Sources.Telematica));

        Assert.Equal(80, state.StateOfCharge!.Value);
        Assert.Equal(Sources.Volteras, state.StateOfCharge.Source);
        Assert.Equal(T0.AddMinutes(10), state.StateOfCharge.At);
    }

    [Fact]
    public void Late_odometer_does_not_roll_back_a_newer_soc_and_vice_versa()
    {
        var state = Apply(
            (new StateOfChargeReported(80) { At = T0.AddMinutes(10) }, Sources.Volteras),
            (new OdometerReported(1000) { At = T0.AddMinutes(5) }, Sources.Volteras),
            (new OdometerReported(990) { At = T0 }, Sources.Volteras),
            (new StateOfChargeReported(50) { At = T0.AddMinutes(1) }, Sources.Volteras));

        Assert.Equal(80, state.StateOfCharge!.Value);
        Assert.Equal(1000, state.Odometer!.Value);
    }

    [Fact]
    public void Tires_and_oem_alerts_are_kept_per_position_and_per_code()
    {
        var state = Apply(
            (new TirePressureReported("FRONT_LEFT", 240) { At = T0 }, Sources.Volteras),
            (new TirePressureReported("FRONT_RIGHT", 180) { At = T0 }, Sources.Volteras),
            (new TirePressureReported("FRONT_LEFT", 230) { At = T0.AddMinutes(-1) }, Sources.Volteras),
            (new OemAlertReported("BMS_001", true, "HIGH", "fault", null, "Battery", null, null, null) { At = T0 }, Sources.Volteras),
            (new OemAlertReported("TPMS_1", true, "LOW", "tire", null, null, null, null, null) { At = T0 }, Sources.Volteras),
            (new OemAlertReported("TPMS_1", false, "LOW", "tire", null, null, null, null, null) { At = T0.AddMinutes(1) }, Sources.Volteras));

        var twin = state.ToSnapshot("v1");
        Assert.Equal(240, twin.Tires["FRONT_LEFT"].Value);
        Assert.Equal(180, twin.Tires["FRONT_RIGHT"].Value);
        var active = Assert.Single(twin.ActiveAlerts);
        Assert.Equal(("BMS_001", "oem", "HIGH", "Battery"), (active.Id, active.Kind, active.Severity, active.Title));
    }

    [Fact]
    public void Geofence_membership_follows_enter_and_exit_in_source_time_order()
    {
        var state = Apply(
            (new TrackerEventReported("geofence_enter", 0, "Depot") { At = T0 }, Sources.Tracker),
            (new TrackerEventReported("geofence_enter", 0, "Yard") { At = T0.AddMinutes(2) }, Sources.Tracker),
            (new TrackerEventReported("geofence_exit", 0, "Depot") { At = T0.AddMinutes(5) }, Sources.Tracker),
            (new TrackerEventReported("geofence_enter", 0, "Depot") { At = T0.AddMinutes(1) }, Sources.Tracker));

        Assert.Equal(["Yard"], state.ToSnapshot("v1").Geofences.Select(g => g.Name));
        Assert.Equal(4, state.Alarms.Count);
    }

    [Fact]
    public void Same_alarm_twice_is_recorded_once()
    {
        var alarm = new TrackerEventReported("sos", 0, null) { At = T0 };

        var state = Apply((alarm, Sources.Tracker), (alarm, Sources.Tracker));

        Assert.Single(state.Alarms);
    }

    [Fact]
    public void Disconnect_newer_than_the_last_reading_makes_the_vehicle_offline()
    {
        var state = Apply(
            (new StateOfChargeReported(70) { At = T0 }, Sources.Volteras),
            (new ConnectivityReported(false) { At = T0.AddMinutes(1) }, Sources.Volteras),
            (new OdometerReported(5) { At = T0.AddSeconds(30) }, Sources.Volteras));

        var twin = state.ToSnapshot("v1");
        Assert.False(twin.Online);
        Assert.Equal(T0.AddMinutes(1), twin.LastSeenAt);
    }

    [Fact]
    public void Partial_charging_data_keeps_the_values_it_does_not_carry()
    {
        var state = Apply(
            (new ChargingDataReported(90, 45, 11, 32, false, "ENGAGED") { At = T0 }, Sources.Volteras),
            (new ChargingDataReported(null, 30, null, null, null, null) { At = T0.AddMinutes(15) }, Sources.Volteras));

        Assert.Equal((90d, 30d, "ENGAGED"), (state.ChargingDetails!.MaxStateOfCharge, state.ChargingDetails.RemainingMinutes, state.ChargingDetails.PortLatch));
    }

    [Fact]
    public void Command_reports_update_in_place_by_provider_command_id()
    {
        var state = Apply(
            (new CommandStatusReported("c1", "START_CHARGING", "PENDING", null) { At = T0 }, Sources.Volteras),
            (new CommandStatusReported("c1", "START_CHARGING", "EXECUTED", null) { At = T0.AddMinutes(1) }, Sources.Volteras),
            (new CommandStatusReported("c1", "START_CHARGING", "PENDING", null) { At = T0.AddSeconds(30) }, Sources.Volteras));

        Assert.Equal("EXECUTED", Assert.Single(state.CommandReports).Status);
    }

    [Fact]
    public void Journey_records_a_trip_once_and_advances_the_odometer()
    {
        var journey = new JourneyRecorded("j1", T0, T0.AddMinutes(35), 25.5, 45230, 45255.5, 5.2, 85, 77, 1, 2, 3, 4) { At = T0.AddMinutes(35) };

        var state = Apply((journey, Sources.Volteras), (journey, Sources.Volteras));

        Assert.Single(state.Trips);
        Assert.Equal(45255.5, state.Odometer!.Value);
    }

    [Fact]
    public void Trip_is_current_from_start_to_end_then_recorded_with_its_metrics()
    {
        var state = Apply((new TripStarted("t1", 52.5, 13.4) { At = T0 }, Sources.Invers));
        Assert.Equal("t1", state.CurrentTrip?.Id);

        state.Apply(new TripEnded("t1", null, 52.52, 13.41, null) { At = T0.AddMinutes(20) }, Sources.Invers);
        state.Apply(new TripEnded("t1", null, null, null, 4.7) { At = T0.AddMinutes(20) }, Sources.Invers);

        Assert.Null(state.CurrentTrip);
        var trip = Assert.Single(state.Trips);
        Assert.Equal((T0, T0.AddMinutes(20), 4.7, 52.5, 52.52), (trip.StartedAt, trip.EndedAt!.Value, trip.DistanceKm!.Value, trip.StartLatitude!.Value, trip.EndLatitude!.Value));
    }

    [Fact]
    public void Late_trip_start_after_its_end_does_not_reopen_it_and_discard_removes_it()
    {
        var state = Apply(
            (new TripEnded("t1", T0, null, null, 3) { At = T0.AddMinutes(10) }, Sources.Invers),
            (new TripStarted("t1", null, null) { At = T0 }, Sources.Invers));

        Assert.Null(state.CurrentTrip);
        state.Apply(new TripDiscarded("t1") { At = T0.AddMinutes(11) }, Sources.Invers);
        Assert.Empty(state.Trips);
    }

    [Fact]
    public void Rental_and_device_status_keep_the_newest_value()
    {
        var state = Apply(
            (new RentalStatusReported(true) { At = T0.AddMinutes(5) }, Sources.Invers),
            (new RentalStatusReported(false) { At = T0 }, Sources.Invers),
            (new DeviceStatusReported("central_lock", "LOCKED") { At = T0.AddMinutes(5) }, Sources.Invers),
            (new DeviceStatusReported("central_lock", "UNLOCKED") { At = T0 }, Sources.Invers));

        var twin = state.ToSnapshot("v1");
        Assert.True(twin.Rental!.InRental);
        Assert.Equal("LOCKED", twin.Status["central_lock"].Value);
    }
}
