using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Delivery;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// The persisted state of one vehicle twin: its readings, identity, commands and notifications. Applying events
/// (<c>VehicleTwinState.Apply.cs</c>), merging a twin of the same vehicle (<c>.Merge.cs</c>) and the views the APIs
/// serve (<c>.Projections.cs</c>) live beside it. Every reading keeps the source's time of it: an older reading never
/// replaces a newer one, reading by reading.
/// </summary>
[GenerateSerializer, Alias("ft.grains.VehicleTwinState")]
public sealed partial class VehicleTwinState
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
    [Id(32)] public List<VehicleCommand> Commands { get; set; } = [];

    /// <summary>Recent notifications, newest first; written with the state that raised them.</summary>
    [Id(33)] public List<Notification> Notifications { get; set; } = [];

    /// <summary>target-soc-reached fired in the current charging session.</summary>
    [Id(34)] public bool TargetSocNotified { get; set; }

    /// <summary>low-soc fired and has not re-armed yet.</summary>
    [Id(35)] public bool LowSocNotified { get; set; }

    /// <summary>Tire positions whose low-pressure notification fired and has not re-armed yet.</summary>
    [Id(36)] public List<string> LowTiresNotified { get; set; } = [];

    /// <summary>Notifications raised but not yet taken by the sinks: written with the state that raised them.</summary>
    [Id(37)] public List<Notification> Outbox { get; set; } = [];

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
    [Id(43)] public List<VehicleCommand> RememberedCommands { get; set; } = [];

    /// <summary>Commands waiting for a channel to take them (<see cref="CommandDispatchOutbox"/>), one entry per channel.</summary>
    [Id(44)] public List<PendingDispatch> Dispatches { get; set; } = [];

    /// <summary>The journal record this snapshot was written ahead of, until the journal is known to hold it (<see cref="TwinPersistence"/>).</summary>
    [Id(45)] public UnjournaledRecord? Unjournaled { get; set; }

    /// <summary>What operators set about the vehicle (name, plate, group, tags, ...), beside the providers' <see cref="MasterData"/>.</summary>
    [Id(50)] public OperatorMasterData? OperatorMasterData { get; set; }

    /// <summary>How many notifications a twin keeps.</summary>
    public const int NotificationsRetained = 100;

    /// <summary>How many alias changes a twin keeps.</summary>
    public const int AliasHistoryRetained = 100;

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
}
