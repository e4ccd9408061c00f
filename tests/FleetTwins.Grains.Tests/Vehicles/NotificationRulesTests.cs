using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Vehicles;

namespace FleetTwins.Grains.Tests.Vehicles;

public sealed class NotificationRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly NotificationOptions Options = new();

    private readonly VehicleTwinState twin = new();
    private int minute;

    /// <summary>Applies one delivery the way the grain does, and answers the types of the notifications it raised.</summary>
    private List<string> Deliver(params VehicleEvent[] events)
    {
        var before = NotificationRules.Capture(twin);
        foreach (var e in events)
        {
            twin.Apply(e with { At = e.At == default ? T0.AddMinutes(++minute) : e.At }, Sources.Volteras);
        }

        CommandLifecycle.ConfirmFromState(twin.Commands, twin);
        var raised = NotificationRules.Derive("v1", before, twin, Options, T0.AddMinutes(minute));
        twin.Record(raised);
        return raised.Select(n => n.Type).ToList();
    }

    [Fact]
    public void Target_soc_reached_fires_once_per_charging_session_even_when_the_soc_wobbles()
    {
        twin.ChargingTarget = new ChargingTarget(80, Sources.Api, T0);
        Assert.Contains("charging-started", Deliver(new ChargingStateReported("CHARGING"), new StateOfChargeReported(70)));

        Assert.Equal(["target-soc-reached"], Deliver(new StateOfChargeReported(80.2)));
        Assert.Empty(Deliver(new StateOfChargeReported(79.5)));
        Assert.Empty(Deliver(new StateOfChargeReported(80.4)));
        Assert.Contains("charging-stopped", Deliver(new ChargingStateReported("NOT_CHARGING")));
        Deliver(new StateOfChargeReported(60));
        Assert.Equal(["charging-started"], Deliver(new ChargingStateReported("CHARGING")));

        Assert.Equal(["target-soc-reached"], Deliver(new StateOfChargeReported(81)));
        var reached = twin.Notifications.First(n => n.Type == "target-soc-reached");
        Assert.Contains("\"targetSoc\":80", reached.DataJson);
    }

    [Fact]
    public void Charging_stopped_below_the_target_says_so()
    {
        twin.ChargingTarget = new ChargingTarget(80, Sources.Api, T0);
        Deliver(new ChargingStateReported("CHARGING"), new StateOfChargeReported(50));

        Assert.Equal(["charging-stopped", "charging-stopped-before-target"], Deliver(new ChargingStateReported("NOT_CHARGING")));
    }

    [Fact]
    public void Low_soc_fires_once_and_re_arms_only_past_the_hysteresis()
    {
        Assert.Contains("low-soc", Deliver(new StateOfChargeReported(19)));
        Assert.Empty(Deliver(new StateOfChargeReported(20.5)));
        Assert.Empty(Deliver(new StateOfChargeReported(18)));
        Deliver(new StateOfChargeReported(23));

        Assert.Equal(["low-soc"], Deliver(new StateOfChargeReported(15)));
    }

    [Fact]
    public void Plug_online_and_rental_changes_are_notified()
    {
        Assert.Contains("plugged-in", Deliver(new PlugStateReported(true)));
        Assert.Contains("unplugged", Deliver(new PlugStateReported(false)));
        Assert.DoesNotContain("vehicle-offline", Deliver(new ConnectivityReported(false)));
        Assert.Equal(["vehicle-offline"], NotificationRules.CheckOffline("v1", twin, Options, T0.AddMinutes(minute + 3)).Select(n => n.Type));
        minute += 3;
        Assert.Contains("vehicle-online", Deliver(new ConnectivityReported(true)));
        Assert.Contains("rental-started", Deliver(new RentalStatusReported(true)));
        Assert.Contains("rental-ended", Deliver(new RentalStatusReported(false)));
    }

    [Fact]
    public void Low_tire_pressure_fires_per_tire()
    {
        Assert.Equal(["vehicle-online", "low-tire-pressure"], Deliver(new TirePressureReported("FRONT_LEFT", 180)));
        Assert.Empty(Deliver(new TirePressureReported("FRONT_LEFT", 175)));
        Assert.Equal(["low-tire-pressure"], Deliver(new TirePressureReported("REAR_RIGHT", 150)));
    }

    [Fact]
    public void Alerts_raise_clear_create_resolve_and_escalate()
    {
        Assert.Contains("oem-alert-raised", Deliver(new OemAlertReported("BMS_001", true, "HIGH", "fault", null, null, null, null, null)));
        Assert.Equal(["oem-alert-cleared"], Deliver(new OemAlertReported("BMS_001", false, "HIGH", "fault", null, null, null, null, null)));
        Assert.Equal(["alert-created"], Deliver(new AlertLinked("a1", true, "LOW", "Tires", false)));
        Assert.Equal(["alert-escalated"], Deliver(new AlertLinked("a1", true, "HIGH", "Tires", false)));
        Assert.Equal(["alert-resolved"], Deliver(new AlertLinked("a1", false, "HIGH", "Tires", false)));
    }

    [Theory]
    [InlineData("overspeed", "overspeed")]
    [InlineData("geofence_enter", "geofence-entered")]
    [InlineData("geofence_exit", "geofence-left")]
    [InlineData("fuel_drain", "fuel-drain")]
    [InlineData("sos", "sos")]
    [InlineData("tampering", "tampering")]
    [InlineData("power_cut", "power-cut")]
    [InlineData("smoke_detected", "smoke-detected")]
    public void Tracker_and_smoke_alarms_are_notified_once(string kind, string type)
    {
        var alarm = new TrackerEventReported(kind, 5, kind.StartsWith("geofence") ? "Depot" : null) { At = T0 };

        Assert.Contains(type, Deliver(alarm));
        Assert.DoesNotContain(type, Deliver(alarm));
    }

    [Fact]
    public void Trips_start_and_end()
    {
        Assert.Contains("trip-started", Deliver(new TripStarted("t1", null, null)));
        Assert.Equal(["trip-ended"], Deliver(new TripEnded("t1", null, null, null, 4)));
    }

    [Fact]
    public void Failed_and_timed_out_commands_are_notified()
    {
        CommandLifecycle.Send(twin.Commands, twin.RememberedCommands, new CommandRequest("UNLOCK_DOORS", "{}", null), "c1", T0, new CommandOptions());
        CommandLifecycle.Send(twin.Commands, twin.RememberedCommands, new CommandRequest("LOCK_DOORS", "{}", null), "c2", T0, new CommandOptions());

        Assert.Contains("command-failed", Deliver(new CommandStatusReported(null, "UNLOCK_DOORS", "FAILED", "door jammed")));

        var before = NotificationRules.Capture(twin);
        CommandLifecycle.Expire(twin.Commands, T0.AddMinutes(11));
        Assert.Equal(["command-timed-out"], NotificationRules.Derive("v1", before, twin, Options, T0.AddMinutes(11)).Select(n => n.Type));
    }

    [Fact]
    public void The_same_change_always_gets_the_same_notification_id()
    {
        var first = new VehicleTwinState();
        var second = new VehicleTwinState();
        foreach (var state in new[] { first, second })
        {
            var before = NotificationRules.Capture(state);
            state.Apply(new StateOfChargeReported(10) { At = T0 }, Sources.Volteras);
            state.Record(NotificationRules.Derive("v1", before, state, Options, T0));
        }

        Assert.Equal(first.Notifications.Select(n => n.Id), second.Notifications.Select(n => n.Id));
    }

    [Fact]
    public void A_vehicle_flapping_offline_and_back_within_the_dwell_time_raises_nothing()
    {
        Deliver(new ConnectivityReported(true));

        Assert.Empty(Deliver(new ConnectivityReported(false)));
        Assert.Empty(NotificationRules.CheckOffline("v1", twin, Options, T0.AddMinutes(minute).AddSeconds(30)));
        Assert.Empty(Deliver(new ConnectivityReported(true)));
        Assert.Empty(NotificationRules.CheckOffline("v1", twin, Options, T0.AddMinutes(minute + 10)));
    }

    [Fact]
    public void Vehicle_offline_fires_once_after_the_dwell_time()
    {
        Deliver(new ConnectivityReported(true));
        Deliver(new ConnectivityReported(false));

        Assert.Empty(NotificationRules.CheckOffline("v1", twin, Options, T0.AddMinutes(minute + 1)));
        Assert.Single(NotificationRules.CheckOffline("v1", twin, Options, T0.AddMinutes(minute + 2)));
        Assert.Empty(NotificationRules.CheckOffline("v1", twin, Options, T0.AddMinutes(minute + 5)));
    }

    [Fact]
    public void A_vehicle_override_replaces_the_fleet_threshold()
    {
        var options = Options.For(new NotificationThresholds(LowSocPercent: 35, LowTirePressureKpa: null, OfflineDwellMinutes: 10));

        Assert.Equal((35d, 200d, TimeSpan.FromMinutes(10)), (options.LowSocPercent, options.LowTirePressureKpa, options.OfflineDwell));
        var before = NotificationRules.Capture(twin);
        twin.Apply(new StateOfChargeReported(30) { At = T0 }, Sources.Volteras);
        Assert.Contains("low-soc", NotificationRules.Derive("v1", before, twin, options, T0).Select(n => n.Type));
    }
}
