using System.Text.Json.Serialization;
using FleetTwins.Abstractions.Events;

namespace FleetTwins.Abstractions.Vehicles;

/// <summary>A number with its unit, the source's time of it and the provider it came from.</summary>
[GenerateSerializer, Immutable, Alias("ft.Measurement")]
public sealed record Measurement(
    [property: Id(0)] double Value,
    [property: Id(1)] string Unit,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Source)
{
    /// <summary>What the provider sent with this reading that is not modelled (a JSON object), or null.</summary>
    [Id(4)]
    [JsonConverter(typeof(RawJsonConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extra { get; init; }
}

/// <summary>A position fix.</summary>
[GenerateSerializer, Immutable, Alias("ft.GeoPosition")]
public sealed record GeoPosition(
    [property: Id(0)] double Latitude,
    [property: Id(1)] double Longitude,
    [property: Id(2)] string? Address,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Source)
{
    /// <summary>What the provider sent with this reading that is not modelled (a JSON object), or null.</summary>
    [Id(5)]
    [JsonConverter(typeof(RawJsonConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extra { get; init; }
}

/// <summary>Speed (km/h), heading (degrees) and elevation (m).</summary>
[GenerateSerializer, Immutable, Alias("ft.Motion")]
public sealed record Motion(
    [property: Id(0)] double? SpeedKmh,
    [property: Id(1)] double? HeadingDegrees,
    [property: Id(2)] double? ElevationMeters,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Source)
{
    /// <summary>What the provider sent with this reading that is not modelled (a JSON object), or null.</summary>
    [Id(5)]
    [JsonConverter(typeof(RawJsonConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extra { get; init; }
}

/// <summary>A named state (charging: CHARGING, NOT_CHARGING, ...; plug: PLUGGED, UNPLUGGED).</summary>
[GenerateSerializer, Immutable, Alias("ft.StateReading")]
public sealed record StateReading(
    [property: Id(0)] string State,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Source)
{
    /// <summary>What the provider sent with this reading that is not modelled (a JSON object), or null.</summary>
    [Id(3)]
    [JsonConverter(typeof(RawJsonConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extra { get; init; }
}

/// <summary>Whether the vehicle is connected to its provider.</summary>
[GenerateSerializer, Immutable, Alias("ft.Connectivity")]
public sealed record Connectivity(
    [property: Id(0)] bool Online,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Source)
{
    /// <summary>What the provider sent with this reading that is not modelled (a JSON object), or null.</summary>
    [Id(3)]
    [JsonConverter(typeof(RawJsonConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extra { get; init; }
}

/// <summary>A manufacturer diagnostic alert.</summary>
[GenerateSerializer, Immutable, Alias("ft.OemAlert")]
public sealed record OemAlert(
    [property: Id(0)] string Code,
    [property: Id(1)] bool Active,
    [property: Id(2)] string? Severity,
    [property: Id(3)] string? Message,
    [property: Id(4)] string? MappedCode,
    [property: Id(5)] string? MappedMessage,
    [property: Id(6)] string? Component,
    [property: Id(7)] string? RecommendedAction,
    [property: Id(8)] string? Type,
    [property: Id(9)] DateTimeOffset At,
    [property: Id(10)] string Source)
{
    /// <summary>What the provider sent with this reading that is not modelled (a JSON object), or null.</summary>
    [Id(11)]
    [JsonConverter(typeof(RawJsonConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extra { get; init; }
}

/// <summary>An alert that is active on the vehicle: a manufacturer alert (<c>oem</c>) or a custom alert twin.</summary>
[GenerateSerializer, Immutable, Alias("ft.ActiveAlert")]
public sealed record ActiveAlert(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string? Severity,
    [property: Id(3)] string? Title,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string Source);

/// <summary>Charging details beyond the state.</summary>
[GenerateSerializer, Immutable, Alias("ft.ChargingDetails")]
public sealed record ChargingDetails(
    [property: Id(0)] double? MaxStateOfCharge,
    [property: Id(1)] double? RemainingMinutes,
    [property: Id(2)] double? PowerKw,
    [property: Id(3)] double? CurrentLimitAmps,
    [property: Id(4)] bool? PortDoorOpen,
    [property: Id(5)] string? PortLatch,
    [property: Id(6)] DateTimeOffset At,
    [property: Id(7)] string Source)
{
    /// <summary>What the provider sent with this reading that is not modelled (a JSON object), or null.</summary>
    [Id(8)]
    [JsonConverter(typeof(RawJsonConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extra { get; init; }
}

/// <summary>The scheduled departures.</summary>
[GenerateSerializer, Immutable, Alias("ft.DepartureSchedule")]
public sealed record DepartureSchedule(
    [property: Id(0)] IReadOnlyList<DepartureTime> Departures,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Source)
{
    /// <summary>What the provider sent with this reading that is not modelled (a JSON object), or null.</summary>
    [Id(3)]
    [JsonConverter(typeof(RawJsonConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extra { get; init; }
}

/// <summary>
/// What the vehicle is: as a provider reported it (make to engine type, <see cref="At"/>, <see cref="Source"/>), and, on
/// the twin's view, what its operators set (<see cref="Name"/> to <see cref="Notes"/>, changed at <see cref="SetAt"/>). With
/// no provider reading, <see cref="At"/> and <see cref="Source"/> (<c>api</c>) are the operators' change.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.MasterData")]
public sealed record MasterData(
    [property: Id(0)] string? Make,
    [property: Id(1)] string? Model,
    [property: Id(2)] string? Nickname,
    [property: Id(3)] string? Registration,
    [property: Id(4)] int? Year,
    [property: Id(5)] string? Country,
    [property: Id(6)] string? EngineType,
    [property: Id(7)] DateTimeOffset At,
    [property: Id(8)] string Source)
{
    /// <summary>What the provider sent with this reading that is not modelled (a JSON object), or null.</summary>
    [Id(9)]
    [JsonConverter(typeof(RawJsonConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extra { get; init; }

    /// <summary>The operators' name for the vehicle (the provider's is <see cref="Nickname"/>).</summary>
    [Id(10)] public string? Name { get; init; }

    /// <summary>The number plate the operators set (the provider's is <see cref="Registration"/>).</summary>
    [Id(11)] public string? Plate { get; init; }

    /// <summary>The operators' group of the vehicle (<c>vans</c>).</summary>
    [Id(12)] public string? Group { get; init; }

    /// <summary>The operators' tags, distinct, in ordinal order.</summary>
    [Id(13)] public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The usable battery capacity the operators state, kWh.</summary>
    [Id(14)] public double? BatteryCapacityKwh { get; init; }

    [Id(15)] public string? Notes { get; init; }

    /// <summary>When operators last changed their fields; null while they set none.</summary>
    [Id(16)] public DateTimeOffset? SetAt { get; init; }
}

/// <summary>A recorded trip; distances in km, energy in kWh.</summary>
[GenerateSerializer, Immutable, Alias("ft.Trip")]
public sealed record Trip(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] DateTimeOffset? EndedAt,
    [property: Id(3)] double? DistanceKm,
    [property: Id(4)] double? OdometerStartKm,
    [property: Id(5)] double? OdometerEndKm,
    [property: Id(6)] double? EnergyUsedKwh,
    [property: Id(7)] double? SocStart,
    [property: Id(8)] double? SocEnd,
    [property: Id(9)] double? StartLatitude,
    [property: Id(10)] double? StartLongitude,
    [property: Id(11)] double? EndLatitude,
    [property: Id(12)] double? EndLongitude,
    [property: Id(13)] string Source);

/// <summary>An event a tracker or the vehicle raised (overspeed, fuel_drain, sos, ...), with its value.</summary>
[GenerateSerializer, Immutable, Alias("ft.VehicleAlarm")]
public sealed record VehicleAlarm(
    [property: Id(0)] string Kind,
    [property: Id(1)] double? Value,
    [property: Id(2)] string? GeofenceName,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Source)
{
    /// <summary>What the provider sent with this reading that is not modelled (a JSON object), or null.</summary>
    [Id(5)]
    [JsonConverter(typeof(RawJsonConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extra { get; init; }
}

/// <summary>A geofence the vehicle is inside, since when.</summary>
[GenerateSerializer, Immutable, Alias("ft.GeofencePresence")]
public sealed record GeofencePresence(
    [property: Id(0)] string Name,
    [property: Id(1)] bool Inside,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Source);

/// <summary>A provider's latest report on a command sent to the vehicle.</summary>
[GenerateSerializer, Immutable, Alias("ft.ProviderCommandReport")]
public sealed record ProviderCommandReport(
    [property: Id(0)] string? ProviderCommandId,
    [property: Id(1)] string Command,
    [property: Id(2)] string Status,
    [property: Id(3)] string? Reason,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string Source);

/// <summary>A named device status with its time and source.</summary>
[GenerateSerializer, Immutable, Alias("ft.StatusReading")]
public sealed record StatusReading(
    [property: Id(0)] string Value,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Source)
{
    /// <summary>What the provider sent with this reading that is not modelled (a JSON object), or null.</summary>
    [Id(3)]
    [JsonConverter(typeof(RawJsonConverter)), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extra { get; init; }
}
