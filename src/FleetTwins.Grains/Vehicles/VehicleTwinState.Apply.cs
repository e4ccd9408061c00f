using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Options;

namespace FleetTwins.Grains.Vehicles;

/// <summary>Applying canonical events to a vehicle twin's state: pure, the newer reading wins, reading by reading.</summary>
public sealed partial class VehicleTwinState
{
    /// <summary>
    /// Records raised notifications, newest first, bounded; each enters the outbox too, with the trace context of the
    /// delivery that raised it (only there: it matters until the notification is published).
    /// </summary>
    public void Record(IEnumerable<Notification> raised, string? traceParent = null)
    {
        foreach (var notification in raised)
        {
            if (Notifications.All(n => n.Id != notification.Id))
            {
                Notifications.Insert(0, notification);
                Outbox.Add(traceParent is null ? notification : notification with { TraceParent = traceParent });
            }
        }

        if (Notifications.Count > NotificationsRetained)
        {
            Notifications.RemoveRange(NotificationsRetained, Notifications.Count - NotificationsRetained);
        }
    }

    /// <summary>
    /// Applies one provider delivery, pure: the events (the newer reading wins), the command lifecycle, and the
    /// notifications the change raises, at <paramref name="change"/>'s own time. The twin runs exactly this when the
    /// delivery arrives and again when it replays its journal, so both end in the same state.
    /// </summary>
    public void Apply(string twinId, DeliveryApplied change, NotificationOptions options, IReadOnlyList<Notification> identityChanges)
    {
        var before = NotificationRules.Capture(this);
        Record(identityChanges, change.TraceParent);
        foreach (var e in change.Batch.Events)
        {
            Apply(e, change.Batch.Source);
        }

        CommandLifecycle.ConfirmFromState(Commands, this);
        CommandLifecycle.Expire(Commands, change.Now);
        Record(NotificationRules.Derive(twinId, before, this, options.For(Thresholds), change.Now), change.TraceParent);
        Deliveries.Add(change.Batch.DeliveryId, change.Now);
        Touch(change.Now);
        if (change.Geofences is { } geofences)
        {
            Apply(twinId, geofences, change.TraceParent);
        }

        if (change.Rules is { } rules)
        {
            Apply(rules, change.TraceParent);
        }
    }

    /// <summary>Makes a journaled change again, on activation from an older snapshot.</summary>
    public void Replay(string twinId, TwinChange change, NotificationOptions options)
    {
        switch (change)
        {
            case DeliveryApplied delivery:
                Apply(twinId, delivery, options, []);
                break;
            case OutboxDelivered delivered:
                var ids = delivered.NotificationIds.ToHashSet(StringComparer.Ordinal);
                Outbox.RemoveAll(n => ids.Contains(n.Id));
                break;
            case CommandAccepted accepted:
                CommandLifecycle.Accept(Commands, RememberedCommands, accepted.Command, accepted.RememberedSince);
                Dispatches.AddRange(accepted.Dispatches);
                Touch(accepted.Command.CreatedAt);
                break;
            case CommandsDispatched dispatched:
                foreach (var command in dispatched.Commands)
                {
                    var index = Commands.FindIndex(c => c.Id == command.Id);
                    if (index >= 0)
                    {
                        Commands[index] = command;
                    }
                }

                Dispatches.RemoveAll(d => dispatched.Settled.Any(s => s.CommandId == d.CommandId && s.Channel == d.Channel));
                Touch(dispatched.Now);
                break;
            case TimeoutsChecked timeouts:
                Apply(twinId, timeouts, options);
                break;
            case RulesDecided decided:
                Apply(decided.Decision, decided.TraceParent);
                Touch(decided.Now);
                break;
            case GeofencesDecided decided:
                Apply(twinId, decided.Decision, decided.TraceParent);
                Touch(decided.Now);
                break;
            case MasterDataSet set:
                OperatorMasterData = set.Patch.ApplyTo(OperatorMasterData, set.Now);
                Touch(set.Now);
                break;
        }
    }

    /// <summary>
    /// A tick of the timeout reminder, pure: times out open commands past their deadline and records what the rules raise
    /// at its time (vehicle-offline after the dwell); answers whether anything changed (only such a tick is journaled).
    /// </summary>
    public bool Apply(string twinId, TimeoutsChecked change, NotificationOptions options)
    {
        var before = NotificationRules.Capture(this);
        var expired = CommandLifecycle.Expire(Commands, change.Now);
        var raised = NotificationRules.Derive(twinId, before, this, options.For(Thresholds), change.Now);
        if (!expired && raised.Count == 0)
        {
            return false;
        }

        Record(raised, change.TraceParent);
        Touch(change.Now);
        return true;
    }

    /// <summary>Applies one canonical event from <paramref name="source"/>.</summary>
    public void Apply(VehicleEvent e, string source)
    {
        var at = e.At;
        if (e is not (AlertLinked or CommandStatusReported or ChargingTargetReported))
        {
            Seen(at, source);
        }

        switch (e)
        {
            case StateOfChargeReported soc:
                StateOfCharge = Newer(StateOfCharge?.At, at) ? new Measurement(soc.Percent, "percent", at, source) { Extra = e.Extra } : StateOfCharge;
                break;
            case EnergyRemainingReported energy:
                EnergyRemaining = Newer(EnergyRemaining?.At, at) ? new Measurement(energy.Kwh, "kwh", at, source) { Extra = e.Extra } : EnergyRemaining;
                break;
            case RangeReported range:
                Range = Newer(Range?.At, at) ? new Measurement(range.Km, "km", at, source) { Extra = e.Extra } : Range;
                break;
            case OdometerReported odometer:
                Odometer = Newer(Odometer?.At, at) ? new Measurement(odometer.Km, "km", at, source) { Extra = e.Extra } : Odometer;
                break;
            case LocationReported location:
                Location = Newer(Location?.At, at) ? new GeoPosition(location.Latitude, location.Longitude, location.Address, at, source) { Extra = e.Extra } : Location;
                break;
            case MotionReported motion:
                Motion = Newer(Motion?.At, at) ? new Motion(motion.SpeedKmh, motion.HeadingDegrees, motion.ElevationMeters, at, source) { Extra = e.Extra } : Motion;
                break;
            case TirePressureReported tire:
                SetIfNotOlder(Tires, tire.Position, at, r => r.At, () => new Measurement(tire.Kpa, "kpa", at, source) { Extra = e.Extra });
                break;
            case OemAlertReported alert:
                SetIfNotOlder(OemAlerts, alert.Code, at, r => r.At, () => new OemAlert(alert.Code, alert.Active, alert.Severity,
                    alert.Message, alert.MappedCode, alert.MappedMessage, alert.Component, alert.RecommendedAction, alert.Type, at, source)
                { Extra = e.Extra });
                break;
            case ChargingStateReported charging:
                Charging = Newer(Charging?.At, at) ? new StateReading(charging.State, at, source) { Extra = e.Extra } : Charging;
                break;
            case PlugStateReported plug:
                Plug = Newer(Plug?.At, at) ? new StateReading(plug.Plugged ? "PLUGGED" : "UNPLUGGED", at, source) { Extra = e.Extra } : Plug;
                break;
            case DepartureTimesReported departures:
                DepartureTimes = Newer(DepartureTimes?.At, at) ? new DepartureSchedule(departures.Departures, at, source) { Extra = e.Extra } : DepartureTimes;
                break;
            case ChargingDataReported data:
                ApplyChargingData(data, source);
                break;
            case ChargingTargetReported target:
                ChargingTarget = Newer(ChargingTarget?.At, at) ? new ChargingTarget(target.TargetSoc, source, at) : ChargingTarget;
                break;
            case ConnectivityReported connectivity:
                Connectivity = Newer(Connectivity?.At, at) ? new Connectivity(connectivity.Online, at, source) { Extra = e.Extra } : Connectivity;
                break;
            case CommandStatusReported command:
                ApplyCommandReport(command, source);
                CommandLifecycle.ApplyReport(Commands, command, source);
                break;
            case JourneyRecorded journey:
                ApplyJourney(journey, source);
                break;
            case TrackerEventReported tracker:
                ApplyTrackerEvent(tracker, source);
                break;
            case MasterDataReported master:
                ApplyMasterData(master, source);
                break;
            case RentalStatusReported rental:
                Rental = Newer(Rental?.At, at) ? new Rental(rental.InRental, at, source) { Extra = e.Extra } : Rental;
                break;
            case DeviceStatusReported status:
                SetIfNotOlder(Status, status.Name, at, r => r.At, () => new StatusReading(status.Value, at, source) { Extra = e.Extra });
                break;
            case TripStarted started:
                ApplyTripStarted(started, source);
                break;
            case TripEnded ended:
                ApplyTripEnded(ended, source);
                break;
            case TripDiscarded discarded:
                Trips.RemoveAll(t => t.Id == discarded.TripId && t.Source == source);
                CurrentTrip = CurrentTrip?.Id == discarded.TripId ? null : CurrentTrip;
                break;
            case AlertLinked alert:
                SetIfNotOlder(CustomAlerts, alert.AlertId, at, r => r.At, () => new ActiveAlert(alert.AlertId,
                    alert.Active ? "custom" : "custom-resolved", alert.Severity, alert.Name, at, source));
                break;
        }
    }

    /// <summary>Sets the entry for <paramref name="key"/> unless the one there is newer than <paramref name="at"/>.</summary>
    private static void SetIfNotOlder<T>(Dictionary<string, T> entries, string key, DateTimeOffset at, Func<T, DateTimeOffset> atOf, Func<T> create)
    {
        if (!entries.TryGetValue(key, out var current) || Newer(atOf(current), at))
        {
            entries[key] = create();
        }
    }

    /// <summary>A reading at <paramref name="at"/> replaces one from <paramref name="current"/> unless it is older.</summary>
    private static bool Newer(DateTimeOffset? current, DateTimeOffset at) => current is null || at >= current;

    private void Seen(DateTimeOffset at, string source)
    {
        if (LastSeenAt is null || at > LastSeenAt)
        {
            LastSeenAt = at;
        }

        // A vehicle that reports is connected, unless a newer disconnect says otherwise.
        if (source != Sources.Api && (Connectivity is null || at > Connectivity.At))
        {
            Connectivity = new Connectivity(true, at, source);
        }
    }

    private void ApplyChargingData(ChargingDataReported data, string source)
    {
        if (!Newer(ChargingDetails?.At, data.At))
        {
            return;
        }

        // A delivery may carry only some of the values: keep the others from the previous reading.
        var previous = ChargingDetails;
        ChargingDetails = new ChargingDetails(
            data.MaxStateOfCharge ?? previous?.MaxStateOfCharge,
            data.RemainingMinutes ?? previous?.RemainingMinutes,
            data.PowerKw ?? previous?.PowerKw,
            data.CurrentLimitAmps ?? previous?.CurrentLimitAmps,
            data.PortDoorOpen ?? previous?.PortDoorOpen,
            data.PortLatch ?? previous?.PortLatch,
            data.At, source)
        { Extra = data.Extra ?? previous?.Extra };
    }

    private void ApplyCommandReport(CommandStatusReported command, string source)
    {
        var index = command.ProviderCommandId is null
            ? -1
            : CommandReports.FindIndex(r => r.ProviderCommandId == command.ProviderCommandId && r.Source == source);
        var report = new ProviderCommandReport(command.ProviderCommandId, command.Command, command.Status, command.Reason, command.At, source);
        if (index < 0)
        {
            AppendBounded(CommandReports, report);
        }
        else if (Newer(CommandReports[index].At, command.At))
        {
            CommandReports[index] = report;
        }
    }

    private void ApplyJourney(JourneyRecorded journey, string source)
    {
        var trip = new Trip(journey.JourneyId, journey.StartedAt, journey.EndedAt, journey.DistanceKm, journey.OdometerStartKm,
            journey.OdometerEndKm, journey.EnergyUsedKwh, journey.SocStart, journey.SocEnd, journey.StartLatitude,
            journey.StartLongitude, journey.EndLatitude, journey.EndLongitude, source);
        var index = Trips.FindIndex(t => t.Id == trip.Id && t.Source == source);
        if (index >= 0)
        {
            Trips[index] = trip;
        }
        else
        {
            Trips.Add(trip);
            Trips.Sort((a, b) => b.StartedAt.CompareTo(a.StartedAt));
            if (Trips.Count > HistoryLength)
            {
                Trips.RemoveAt(Trips.Count - 1);
            }
        }

        if (journey.OdometerEndKm is { } odometer && Newer(Odometer?.At, journey.EndedAt))
        {
            Odometer = new Measurement(odometer, "km", journey.EndedAt, source);
        }
    }

    private void ApplyTripStarted(TripStarted started, string source)
    {
        // A trip already ended (events out of order) stays ended; a newer trip replaces an older current one.
        if (Trips.Any(t => t.Id == started.TripId && t.Source == source) || (CurrentTrip is { } current && current.StartedAt > started.At))
        {
            return;
        }

        CurrentTrip = new Trip(started.TripId, started.At, null, null, null, null, null, null, null,
            started.Latitude, started.Longitude, null, null, source);
    }

    private void ApplyTripEnded(TripEnded ended, string source)
    {
        var open = CurrentTrip?.Id == ended.TripId ? CurrentTrip : null;
        var known = Trips.FirstOrDefault(t => t.Id == ended.TripId && t.Source == source);
        var startedAt = ended.StartedAt ?? open?.StartedAt ?? known?.StartedAt ?? ended.At;
        var trip = new Trip(ended.TripId, startedAt, ended.At, ended.DistanceKm ?? known?.DistanceKm, null, null, null, null, null,
            open?.StartLatitude ?? known?.StartLatitude, open?.StartLongitude ?? known?.StartLongitude,
            ended.Latitude ?? known?.EndLatitude, ended.Longitude ?? known?.EndLongitude, source);
        Trips.RemoveAll(t => t.Id == trip.Id && t.Source == source);
        Trips.Add(trip);
        Trips.Sort((a, b) => b.StartedAt.CompareTo(a.StartedAt));
        if (Trips.Count > HistoryLength)
        {
            Trips.RemoveAt(Trips.Count - 1);
        }

        if (open is not null)
        {
            CurrentTrip = null;
        }
    }

    private void ApplyTrackerEvent(TrackerEventReported tracker, string source)
    {
        var alarm = new VehicleAlarm(tracker.Kind, tracker.Value, tracker.GeofenceName, tracker.At, source) { Extra = tracker.Extra };
        if (!Alarms.Contains(alarm))
        {
            AppendBounded(Alarms, alarm);
            Alarms.Sort((a, b) => b.At.CompareTo(a.At));
        }

        if (tracker.GeofenceName is { Length: > 0 } name && tracker.Kind is "geofence_enter" or "geofence_exit")
        {
            SetIfNotOlder(Geofences, name, tracker.At, r => r.At, () => new GeofencePresence(name, tracker.Kind == "geofence_enter", tracker.At, source));
        }
    }

    private void ApplyMasterData(MasterDataReported master, string source)
    {
        if (!Newer(MasterData?.At, master.At))
        {
            return;
        }

        var previous = MasterData;
        MasterData = new MasterData(
            master.Make ?? previous?.Make, master.Model ?? previous?.Model, master.Nickname ?? previous?.Nickname,
            master.Registration ?? previous?.Registration, master.Year ?? previous?.Year, master.Country ?? previous?.Country,
            master.EngineType ?? previous?.EngineType, master.At, source)
        { Extra = master.Extra ?? previous?.Extra };
    }

    private static void AppendBounded<T>(List<T> list, T item)
    {
        list.Insert(0, item);
        if (list.Count > HistoryLength)
        {
            list.RemoveAt(list.Count - 1);
        }
    }
}
