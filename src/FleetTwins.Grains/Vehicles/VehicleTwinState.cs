using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Delivery;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// The persisted state of one vehicle twin, and the rules that apply canonical events to it. Every reading keeps
/// the source's time of it: an older reading never replaces a newer one, reading by reading.
/// </summary>
[GenerateSerializer, Alias("ft.grains.VehicleTwinState")]
public sealed class VehicleTwinState
{
    /// <summary>How many alarms, trips and command reports a twin keeps.</summary>
    public const int HistoryLength = 20;

    [Id(0)] public string? Vin { get; set; }
    [Id(1)] public List<string> Aliases { get; set; } = [];
    [Id(2)] public Connectivity? Connectivity { get; set; }
    [Id(3)] public DateTimeOffset? LastSeenAt { get; set; }
    [Id(4)] public ChargingTarget? ChargingTarget { get; set; }
    [Id(5)] public DateTimeOffset? CreatedAt { get; set; }
    [Id(6)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Incremented on every change; serves as the twin's ETag.</summary>
    [Id(7)] public long Version { get; set; }

    [Id(8)] public Measurement? StateOfCharge { get; set; }
    [Id(9)] public Measurement? EnergyRemaining { get; set; }
    [Id(10)] public Measurement? Range { get; set; }
    [Id(11)] public Measurement? Odometer { get; set; }
    [Id(12)] public GeoPosition? Location { get; set; }
    [Id(13)] public Motion? Motion { get; set; }
    [Id(14)] public StateReading? Charging { get; set; }
    [Id(15)] public StateReading? Plug { get; set; }
    [Id(16)] public ChargingDetails? ChargingDetails { get; set; }
    [Id(17)] public DepartureSchedule? DepartureTimes { get; set; }
    [Id(18)] public Dictionary<string, Measurement> Tires { get; set; } = [];
    [Id(19)] public Dictionary<string, OemAlert> OemAlerts { get; set; } = [];
    [Id(20)] public Dictionary<string, ActiveAlert> CustomAlerts { get; set; } = [];
    [Id(21)] public Dictionary<string, GeofencePresence> Geofences { get; set; } = [];
    [Id(22)] public List<VehicleAlarm> Alarms { get; set; } = [];
    [Id(23)] public List<Trip> Trips { get; set; } = [];
    [Id(24)] public Trip? CurrentTrip { get; set; }
    [Id(25)] public Rental? Rental { get; set; }
    [Id(26)] public MasterData? MasterData { get; set; }
    [Id(27)] public List<ProviderCommandReport> CommandReports { get; set; } = [];
    [Id(28)] public DeliveryLog Deliveries { get; set; } = new();

    /// <summary>Set when this twin was found to be the same vehicle as another and merged into it.</summary>
    [Id(29)] public string? MergedInto { get; set; }

    /// <summary>The twins this one absorbed, so that a repeated merge (a stale alias cache elsewhere) writes nothing.</summary>
    [Id(30)] public List<string> Absorbed { get; set; } = [];

    [Id(31)] public Dictionary<string, StatusReading> Status { get; set; } = [];

    /// <summary>Commands sent to the vehicle, newest first, with their lifecycle.</summary>
    [Id(32)] public List<FleetTwins.Abstractions.Commands.VehicleCommand> Commands { get; set; } = [];

    /// <summary>Recent notifications, newest first; written with the state that raised them.</summary>
    [Id(33)] public List<FleetTwins.Abstractions.Notifications.Notification> Notifications { get; set; } = [];

    /// <summary>target-soc-reached fired in the current charging session.</summary>
    [Id(34)] public bool TargetSocNotified { get; set; }

    /// <summary>low-soc fired and has not re-armed yet.</summary>
    [Id(35)] public bool LowSocNotified { get; set; }

    /// <summary>Tire positions whose low-pressure notification fired and has not re-armed yet.</summary>
    [Id(36)] public List<string> LowTiresNotified { get; set; } = [];

    /// <summary>Notifications raised but not yet taken by the sinks: written with the state that raised them.</summary>
    [Id(37)] public List<FleetTwins.Abstractions.Notifications.Notification> Outbox { get; set; } = [];

    /// <summary>Since when the vehicle is disconnected, while vehicle-offline waits out the dwell time.</summary>
    [Id(38)] public DateTimeOffset? OfflineSince { get; set; }

    /// <summary>vehicle-offline fired; the next connect raises vehicle-online.</summary>
    [Id(39)] public bool OfflineAnnounced { get; set; }

    /// <summary>This vehicle's overrides of the fleet's thresholds.</summary>
    [Id(40)] public NotificationThresholds? Thresholds { get; set; }

    /// <summary>How the twin's aliases came and went, newest first, bounded.</summary>
    [Id(41)] public List<AliasChange> AliasHistory { get; set; } = [];

    /// <summary>The last journal record this state holds (a snapshot at this sequence; the journal goes on after it).</summary>
    [Id(42)] public long JournalSequence { get; set; }

    /// <summary>Commands pruned from <see cref="Commands"/> whose idempotency key still answers them (<see cref="CommandLifecycle.Send"/>).</summary>
    [Id(43)] public List<FleetTwins.Abstractions.Commands.VehicleCommand> RememberedCommands { get; set; } = [];

    /// <summary>Commands waiting for a channel to take them (<see cref="CommandDispatchOutbox"/>), one entry per channel.</summary>
    [Id(44)] public List<PendingDispatch> Dispatches { get; set; } = [];

    /// <summary>How many notifications a twin keeps.</summary>
    public const int NotificationsRetained = 100;

    /// <summary>How many alias changes a twin keeps.</summary>
    public const int AliasHistoryRetained = 100;

    /// <summary>
    /// Records raised notifications, newest first, bounded; each enters the outbox too, with the trace context of the
    /// delivery that raised it (only there: it matters until the notification is published).
    /// </summary>
    public void Record(IEnumerable<FleetTwins.Abstractions.Notifications.Notification> raised, string? traceParent = null)
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
    public void Apply(string twinId, DeliveryApplied change, NotificationOptions options, IReadOnlyList<FleetTwins.Abstractions.Notifications.Notification> identityChanges)
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
        Deliveries.Add(change.Batch.DeliveryId);
        Touch(change.Now);
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
        }
    }

    /// <summary>False until the twin was first registered or seen.</summary>
    public bool Exists => CreatedAt is not null;

    /// <summary>Records that the state changed at <paramref name="now"/>.</summary>
    public void Touch(DateTimeOffset now)
    {
        CreatedAt ??= now;
        UpdatedAt = now;
        Version++;
    }

    /// <summary>Adds an alias such as <c>vin:WBY...</c> once.</summary>
    public void AddAlias(string alias)
    {
        if (!Aliases.Contains(alias, StringComparer.Ordinal))
        {
            Aliases.Add(alias);
        }
    }

    /// <summary>Removes an alias (moved to another twin, or unlinked); the VIN goes with its <c>vin:</c> alias.</summary>
    public void RemoveAlias(string alias)
    {
        Aliases.Remove(alias);
        if (alias == $"vin:{Vin}")
        {
            Vin = null;
        }
    }

    /// <summary>Records a move of an alias to or from this twin, newest first.</summary>
    public void RecordAliasChange(AliasChange change)
    {
        AliasHistory.Insert(0, change);
        if (AliasHistory.Count > AliasHistoryRetained)
        {
            AliasHistory.RemoveRange(AliasHistoryRetained, AliasHistory.Count - AliasHistoryRetained);
        }
    }

    /// <summary>Whether <paramref name="alias"/> was this twin's and left it (moved on, or unlinked) since it last came.</summary>
    public bool Lost(string alias, string twinId) =>
        AliasHistory.FirstOrDefault(c => c.Alias == alias) is { } latest && latest.From == twinId;

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
                    alert.Message, alert.MappedCode, alert.MappedMessage, alert.Component, alert.RecommendedAction, alert.Type, at, source) { Extra = e.Extra });

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

    /// <summary>
    /// Takes in a twin of the same vehicle: per reading and per keyed entry, the newer one wins; commands and
    /// notifications of both are kept (the newest, within the bounds).
    /// </summary>
    public void Absorb(VehicleTwinState other)
    {
        Vin ??= other.Vin;
        foreach (var alias in other.Aliases)
        {
            AddAlias(alias);
        }

        StateOfCharge = Newest(StateOfCharge, other.StateOfCharge, r => r.At);
        EnergyRemaining = Newest(EnergyRemaining, other.EnergyRemaining, r => r.At);
        Range = Newest(Range, other.Range, r => r.At);
        Odometer = Newest(Odometer, other.Odometer, r => r.At);
        Location = Newest(Location, other.Location, r => r.At);
        Motion = Newest(Motion, other.Motion, r => r.At);
        Charging = Newest(Charging, other.Charging, r => r.At);
        Plug = Newest(Plug, other.Plug, r => r.At);
        ChargingTarget = Newest(ChargingTarget, other.ChargingTarget, r => r.At);
        ChargingDetails = Newest(ChargingDetails, other.ChargingDetails, r => r.At);
        DepartureTimes = Newest(DepartureTimes, other.DepartureTimes, r => r.At);
        Connectivity = Newest(Connectivity, other.Connectivity, r => r.At);
        Rental = Newest(Rental, other.Rental, r => r.At);
        MasterData = Newest(MasterData, other.MasterData, r => r.At);
        CurrentTrip = Newest(CurrentTrip, other.CurrentTrip, r => r.StartedAt);
        MergeNewest(Tires, other.Tires, r => r.At);
        MergeNewest(OemAlerts, other.OemAlerts, r => r.At);
        MergeNewest(CustomAlerts, other.CustomAlerts, r => r.At);
        MergeNewest(Geofences, other.Geofences, r => r.At);
        MergeNewest(Status, other.Status, r => r.At);
        Commands = [.. Commands.Concat(other.Commands).DistinctBy(c => c.Id).OrderByDescending(c => c.CreatedAt).Take(CommandLifecycle.Retained)];
        RememberedCommands = [.. RememberedCommands.Concat(other.RememberedCommands).DistinctBy(c => c.Id).OrderByDescending(c => c.CreatedAt)
            .Take(CommandLifecycle.RememberedCapacity)];
        Dispatches = [.. Dispatches.Concat(other.Dispatches).DistinctBy(d => (d.CommandId, d.Channel))];
        Notifications = [.. Notifications.Concat(other.Notifications).DistinctBy(n => n.Id).OrderByDescending(n => n.At).Take(NotificationsRetained)];
        AliasHistory = [.. AliasHistory.Concat(other.AliasHistory).Distinct().OrderByDescending(c => c.At).Take(AliasHistoryRetained)];
        Alarms = [.. Alarms.Union(other.Alarms).OrderByDescending(a => a.At).Take(HistoryLength)];
        Trips = [.. Trips.Concat(other.Trips).GroupBy(t => (t.Id, t.Source)).Select(g => g.First())
            .OrderByDescending(t => t.StartedAt).Take(HistoryLength)];
        CommandReports = [.. CommandReports.Concat(other.CommandReports).GroupBy(r => (r.ProviderCommandId ?? r.At.ToString("O"), r.Source))
            .Select(g => g.MaxBy(r => r.At)!).OrderByDescending(r => r.At).Take(HistoryLength)];
        LastSeenAt = Newest(LastSeenAt, other.LastSeenAt, t => t!.Value);
        if (other.CreatedAt < CreatedAt)
        {
            CreatedAt = other.CreatedAt;
        }

        Deliveries.AddAll(other.Deliveries);
    }

    private static T? Newest<T>(T? mine, T? theirs, Func<T, DateTimeOffset> at) =>
        mine is null ? theirs : theirs is null ? mine : at(theirs) > at(mine) ? theirs : mine;

    private static void MergeNewest<T>(Dictionary<string, T> mine, Dictionary<string, T> theirs, Func<T, DateTimeOffset> at)
    {
        foreach (var (key, value) in theirs)
        {
            if (!mine.TryGetValue(key, out var current) || at(value) > at(current))
            {
                mine[key] = value;
            }
        }
    }

    /// <summary>The snapshot the query APIs serve.</summary>
    public VehicleTwin ToSnapshot(string id) => new()
    {
        Id = id,
        Vin = Vin,
        Aliases = [.. Aliases],
        Online = Connectivity?.Online ?? false,
        Connectivity = Connectivity,
        LastSeenAt = LastSeenAt,
        StateOfCharge = StateOfCharge,
        EnergyRemaining = EnergyRemaining,
        Range = Range,
        Odometer = Odometer,
        Location = Location,
        Motion = Motion,
        Charging = Charging,
        Plug = Plug,
        ChargingTarget = ChargingTarget,
        ChargingDetails = ChargingDetails,
        DepartureTimes = DepartureTimes,
        Tires = new Dictionary<string, Measurement>(Tires),
        OemAlerts = [.. OemAlerts.Values.OrderByDescending(a => a.At)],
        ActiveAlerts = [.. ActiveAlerts()],
        Geofences = [.. Geofences.Values.Where(g => g.Inside).OrderBy(g => g.Name, StringComparer.Ordinal)],
        Alarms = [.. Alarms],
        Trips = [.. Trips],
        CurrentTrip = CurrentTrip,
        Rental = Rental,
        MasterData = MasterData,
        CommandReports = [.. CommandReports],
        Status = new Dictionary<string, StatusReading>(Status),
        NotificationThresholds = Thresholds,
        AliasHistory = [.. AliasHistory],
        CreatedAt = CreatedAt ?? default,
        UpdatedAt = UpdatedAt,
        Version = Version,
    };

    /// <summary>The flat row fleet search and the fleet-wide watch see.</summary>
    public FleetTwins.Abstractions.Fleet.VehicleSummary ToSummary(string id)
    {
        var online = Connectivity?.Online ?? false;
        var alerts = 0;
        var high = 0;
        foreach (var alert in ActiveAlerts())
        {
            alerts++;
            if (alert.Severity is { } severity
                && (severity.Equals("HIGH", StringComparison.OrdinalIgnoreCase) || severity.Equals("CRITICAL", StringComparison.OrdinalIgnoreCase)))
            {
                high++;
            }
        }

        return new()
        {
            Id = id,
            Version = Version,
            Vin = Vin,
            Make = MasterData?.Make,
            Model = MasterData?.Model,
            Online = online,
            LastSeenAt = FleetTwins.Abstractions.Fleet.VehicleSummary.Micros(LastSeenAt),
            OfflineSince = online ? null : FleetTwins.Abstractions.Fleet.VehicleSummary.Micros(Connectivity?.At ?? LastSeenAt ?? CreatedAt),
            Soc = StateOfCharge?.Value,
            Charging = Charging?.State,
            Plug = Plug?.State,
            Latitude = Location?.Latitude,
            Longitude = Location?.Longitude,
            Odometer = Odometer?.Value,
            Range = Range?.Value,
            Rental = Rental?.InRental ?? false,
            Alerts = alerts,
            HighAlerts = high,
            UpdatedAt = FleetTwins.Abstractions.Fleet.VehicleSummary.Micros(UpdatedAt),
        };
    }

    private IEnumerable<ActiveAlert> ActiveAlerts() =>
        OemAlerts.Values.Where(a => a.Active)
            .Select(a => new ActiveAlert(a.Code, "oem", a.Severity, a.MappedMessage ?? a.Message, a.At, a.Source))
            .Concat(CustomAlerts.Values.Where(a => a.Kind == "custom"))
            .OrderByDescending(a => a.At);

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
            data.At, source) { Extra = data.Extra ?? previous?.Extra };
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
            master.EngineType ?? previous?.EngineType, master.At, source) { Extra = master.Extra ?? previous?.Extra };
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
