namespace FleetTwins.Abstractions.Vehicles;

/// <summary>
/// A read-only snapshot of one vehicle twin, as the query APIs serve it. Every reading carries the source's time
/// of it (<c>at</c>) and the provider it came from (<c>source</c>); a reading nobody has reported is null.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.VehicleTwin")]
public sealed record VehicleTwin : IVersionedTwin
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public string? Vin { get; init; }
    [Id(2)] public IReadOnlyList<string> Aliases { get; init; } = [];
    [Id(3)] public bool Online { get; init; }
    [Id(4)] public DateTimeOffset? LastSeenAt { get; init; }
    [Id(5)] public Measurement? StateOfCharge { get; init; }
    [Id(6)] public Measurement? EnergyRemaining { get; init; }
    [Id(7)] public Measurement? Range { get; init; }
    [Id(8)] public Measurement? Odometer { get; init; }
    [Id(9)] public GeoPosition? Location { get; init; }
    [Id(10)] public Motion? Motion { get; init; }
    [Id(11)] public StateReading? Charging { get; init; }
    [Id(12)] public StateReading? Plug { get; init; }
    [Id(13)] public ChargingTarget? ChargingTarget { get; init; }
    [Id(14)] public ChargingDetails? ChargingDetails { get; init; }
    [Id(15)] public DepartureSchedule? DepartureTimes { get; init; }
    [Id(16)] public IReadOnlyDictionary<string, Measurement> Tires { get; init; } = new Dictionary<string, Measurement>();
    [Id(17)] public IReadOnlyList<OemAlert> OemAlerts { get; init; } = [];
    [Id(18)] public IReadOnlyList<ActiveAlert> ActiveAlerts { get; init; } = [];
    [Id(19)] public IReadOnlyList<GeofencePresence> Geofences { get; init; } = [];
    [Id(20)] public IReadOnlyList<VehicleAlarm> Alarms { get; init; } = [];
    [Id(21)] public IReadOnlyList<Trip> Trips { get; init; } = [];
    [Id(22)] public Trip? CurrentTrip { get; init; }
    [Id(23)] public Rental? Rental { get; init; }
    [Id(24)] public MasterData? MasterData { get; init; }
    [Id(25)] public IReadOnlyList<ProviderCommandReport> CommandReports { get; init; } = [];
    [Id(26)] public Connectivity? Connectivity { get; init; }
    [Id(27)] public DateTimeOffset CreatedAt { get; init; }
    [Id(28)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(29)] public long Version { get; init; }
    [Id(30)] public IReadOnlyDictionary<string, StatusReading> Status { get; init; } = new Dictionary<string, StatusReading>();
    [Id(31)] public NotificationThresholds? NotificationThresholds { get; init; }
}

/// <summary>Per-vehicle overrides of the fleet's notification thresholds (null: the fleet's value).</summary>
[GenerateSerializer, Immutable, Alias("ft.NotificationThresholds")]
public sealed record NotificationThresholds(
    [property: Id(0)] double? LowSocPercent,
    [property: Id(1)] double? LowTirePressureKpa,
    [property: Id(2)] double? OfflineDwellMinutes);

/// <summary>The state of charge at which charging is expected to end, and who set it.</summary>
[GenerateSerializer, Immutable, Alias("ft.ChargingTarget")]
public sealed record ChargingTarget(
    [property: Id(0)] double TargetSoc,
    [property: Id(1)] string Source,
    [property: Id(2)] DateTimeOffset At);

/// <summary>Whether the vehicle is in a rental (INVERS).</summary>
[GenerateSerializer, Immutable, Alias("ft.Rental")]
public sealed record Rental(
    [property: Id(0)] bool InRental,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Source);

/// <summary>What an operator states when registering a vehicle through the API.</summary>
[GenerateSerializer, Immutable, Alias("ft.VehicleRegistration")]
public sealed record VehicleRegistration([property: Id(0)] string? Vin);
