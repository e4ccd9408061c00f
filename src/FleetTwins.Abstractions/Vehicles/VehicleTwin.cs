using System.Text.Json.Serialization;
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

    /// <summary>How the twin's aliases came and went: moves to and from other twins, merges, operator links and unlinks.</summary>
    [Id(32)] public IReadOnlyList<AliasChange> AliasHistory { get; init; } = [];
}

/// <summary>
/// An alias bound to another twin (<see cref="To"/>) or from one (<see cref="From"/>); null on either side: nobody
/// (a first claim, an unlink). <see cref="Source"/>: the provider whose delivery moved it, <c>api</c>, or <c>merge</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.AliasChange")]
public sealed record AliasChange(
    [property: Id(0)] string Alias,
    [property: Id(1)] string? From,
    [property: Id(2)] string? To,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Source,
    [property: Id(5)] string? DeliveryId = null);

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
    [property: Id(2)] string Source)
{
    /// <summary>What the provider sent with this reading that is not modelled (a JSON object), or null.</summary>
    [Id(3)]
    [JsonConverter(typeof(RawJsonConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extra { get; init; }
}

/// <summary>What an operator states about a vehicle: its VIN and provider aliases (<c>imei:...</c>, <c>invers:...</c>, ...).</summary>
[GenerateSerializer, Immutable, Alias("ft.VehicleRegistration")]
public sealed record VehicleRegistration([property: Id(0)] string? Vin, [property: Id(1)] IReadOnlyList<string>? Aliases = null);

/// <summary>What a registration or link did: the twin as stored, and what it changed or could not.</summary>
[GenerateSerializer, Immutable, Alias("ft.VehicleRegistrationResult")]
public sealed record VehicleRegistrationResult(
    [property: Id(0)] VehicleTwin Twin,
    [property: Id(1)] bool Created,
    [property: Id(2)] IReadOnlyList<string> Linked,
    [property: Id(3)] IReadOnlyList<string> Merged,
    [property: Id(4)] IReadOnlyList<IdentityConflict> Conflicts);

/// <summary>An identifier the twin could not take: a VIN, or an alias of a twin with another VIN.</summary>
[GenerateSerializer, Immutable, Alias("ft.IdentityConflict")]
public sealed record IdentityConflict(
    [property: Id(0)] string Alias,
    [property: Id(1)] string OwnerTwinId,
    [property: Id(2)] string Reason);
