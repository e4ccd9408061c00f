namespace FleetTwins.Abstractions.Events;

/// <summary>A canonical fact about a vehicle.</summary>
[GenerateSerializer, Alias("ft.VehicleEvent")]
public abstract record VehicleEvent : TwinEvent;

/// <summary>State of charge (or fuel level) in percent.</summary>
[GenerateSerializer, Immutable, Alias("ft.StateOfChargeReported")]
public sealed record StateOfChargeReported([property: Id(0)] double Percent) : VehicleEvent;

/// <summary>Usable energy left in the battery, in kWh.</summary>
[GenerateSerializer, Immutable, Alias("ft.EnergyRemainingReported")]
public sealed record EnergyRemainingReported([property: Id(0)] double Kwh) : VehicleEvent;

/// <summary>Estimated remaining range, in km.</summary>
[GenerateSerializer, Immutable, Alias("ft.RangeReported")]
public sealed record RangeReported([property: Id(0)] double Km) : VehicleEvent;

/// <summary>Total distance travelled, in km.</summary>
[GenerateSerializer, Immutable, Alias("ft.OdometerReported")]
public sealed record OdometerReported([property: Id(0)] double Km) : VehicleEvent;

/// <summary>A position fix; <see cref="Address"/> when the source names the place.</summary>
[GenerateSerializer, Immutable, Alias("ft.LocationReported")]
public sealed record LocationReported(
    [property: Id(0)] double Latitude,
    [property: Id(1)] double Longitude,
    [property: Id(2)] string? Address = null) : VehicleEvent;

/// <summary>Speed (km/h), heading (degrees) and elevation (m), each when known.</summary>
[GenerateSerializer, Immutable, Alias("ft.MotionReported")]
public sealed record MotionReported(
    [property: Id(0)] double? SpeedKmh,
    [property: Id(1)] double? HeadingDegrees,
    [property: Id(2)] double? ElevationMeters) : VehicleEvent;

/// <summary>Pressure of one tire, in kPa; <see cref="Position"/> as the provider names it (FRONT_LEFT, ...).</summary>
[GenerateSerializer, Immutable, Alias("ft.TirePressureReported")]
public sealed record TirePressureReported([property: Id(0)] string Position, [property: Id(1)] double Kpa) : VehicleEvent;

/// <summary>A diagnostic alert raised or cleared by the vehicle manufacturer.</summary>
[GenerateSerializer, Immutable, Alias("ft.OemAlertReported")]
public sealed record OemAlertReported(
    [property: Id(0)] string Code,
    [property: Id(1)] bool Active,
    [property: Id(2)] string? Severity,
    [property: Id(3)] string? Message,
    [property: Id(4)] string? MappedCode,
    [property: Id(5)] string? MappedMessage,
    [property: Id(6)] string? Component,
    [property: Id(7)] string? RecommendedAction,
    [property: Id(8)] string? Type) : VehicleEvent;

/// <summary>Charging state, normalised to upper snake case (CHARGING, NOT_CHARGING, COMPLETE, ...).</summary>
[GenerateSerializer, Immutable, Alias("ft.ChargingStateReported")]
public sealed record ChargingStateReported([property: Id(0)] string State) : VehicleEvent;

/// <summary>Whether a charging cable is plugged in.</summary>
[GenerateSerializer, Immutable, Alias("ft.PlugStateReported")]
public sealed record PlugStateReported([property: Id(0)] bool Plugged) : VehicleEvent;

/// <summary>One scheduled departure: time of day, weekdays and the local offset in minutes.</summary>
[GenerateSerializer, Immutable, Alias("ft.DepartureTime")]
public sealed record DepartureTime(
    [property: Id(0)] int Hour,
    [property: Id(1)] int Minute,
    [property: Id(2)] IReadOnlyList<string> DaysOfWeek,
    [property: Id(3)] int? LocalTimeOffsetMinutes);

/// <summary>The vehicle's scheduled departures (replaces the previous schedule).</summary>
[GenerateSerializer, Immutable, Alias("ft.DepartureTimesReported")]
public sealed record DepartureTimesReported([property: Id(0)] IReadOnlyList<DepartureTime> Departures) : VehicleEvent;

/// <summary>Charging details beyond the state; each is null when the delivery did not carry it.</summary>
[GenerateSerializer, Immutable, Alias("ft.ChargingDataReported")]
public sealed record ChargingDataReported(
    [property: Id(0)] double? MaxStateOfCharge,
    [property: Id(1)] double? RemainingMinutes,
    [property: Id(2)] double? PowerKw,
    [property: Id(3)] double? CurrentLimitAmps,
    [property: Id(4)] bool? PortDoorOpen,
    [property: Id(5)] string? PortLatch) : VehicleEvent;

/// <summary>The target state of charge a provider works to (e.g. Telematica's target-SOC job).</summary>
[GenerateSerializer, Immutable, Alias("ft.ChargingTargetReported")]
public sealed record ChargingTargetReported([property: Id(0)] double TargetSoc) : VehicleEvent;

/// <summary>The device connected to or disconnected from the provider's platform.</summary>
[GenerateSerializer, Immutable, Alias("ft.ConnectivityReported")]
public sealed record ConnectivityReported([property: Id(0)] bool Online) : VehicleEvent;

/// <summary>A provider's report on a command sent to the vehicle.</summary>
[GenerateSerializer, Immutable, Alias("ft.CommandStatusReported")]
public sealed record CommandStatusReported(
    [property: Id(0)] string? ProviderCommandId,
    [property: Id(1)] string Command,
    [property: Id(2)] string Status,
    [property: Id(3)] string? Reason) : VehicleEvent;

/// <summary>A finished or updated journey; distances in km, energy in kWh.</summary>
[GenerateSerializer, Immutable, Alias("ft.JourneyRecorded")]
public sealed record JourneyRecorded(
    [property: Id(0)] string JourneyId,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] DateTimeOffset EndedAt,
    [property: Id(3)] double? DistanceKm,
    [property: Id(4)] double? OdometerStartKm,
    [property: Id(5)] double? OdometerEndKm,
    [property: Id(6)] double? EnergyUsedKwh,
    [property: Id(7)] double? SocStart,
    [property: Id(8)] double? SocEnd,
    [property: Id(9)] double? StartLatitude,
    [property: Id(10)] double? StartLongitude,
    [property: Id(11)] double? EndLatitude,
    [property: Id(12)] double? EndLongitude) : VehicleEvent;

/// <summary>An event a GPS tracker pushed: overspeed, fuel fill/drain, geofence enter/exit, tampering, power cut, SOS.</summary>
[GenerateSerializer, Immutable, Alias("ft.TrackerEventReported")]
public sealed record TrackerEventReported(
    [property: Id(0)] string Kind,
    [property: Id(1)] double? Value,
    [property: Id(2)] string? GeofenceName) : VehicleEvent;

/// <summary>What the vehicle is: make, model and the names people give it.</summary>
[GenerateSerializer, Immutable, Alias("ft.MasterDataReported")]
public sealed record MasterDataReported(
    [property: Id(0)] string? Make,
    [property: Id(1)] string? Model,
    [property: Id(2)] string? Nickname,
    [property: Id(3)] string? Registration,
    [property: Id(4)] int? Year,
    [property: Id(5)] string? Country,
    [property: Id(6)] string? EngineType) : VehicleEvent;

/// <summary>A custom alert about this vehicle changed (the alert twin holds the rest).</summary>
[GenerateSerializer, Immutable, Alias("ft.AlertLinked")]
public sealed record AlertLinked(
    [property: Id(0)] string AlertId,
    [property: Id(1)] bool Active,
    [property: Id(2)] string? Severity,
    [property: Id(3)] string? Name,
    [property: Id(4)] bool Muted) : VehicleEvent;

/// <summary>The vehicle went into or out of a rental (INVERS rental status).</summary>
[GenerateSerializer, Immutable, Alias("ft.RentalStatusReported")]
public sealed record RentalStatusReported([property: Id(0)] bool InRental) : VehicleEvent;

/// <summary>A named device status the vehicle reports (central_lock, driving_enabled, cellular_signal_quality, ...).</summary>
[GenerateSerializer, Immutable, Alias("ft.DeviceStatusReported")]
public sealed record DeviceStatusReported([property: Id(0)] string Name, [property: Id(1)] string Value) : VehicleEvent;

/// <summary>A trip began (<see cref="TwinEvent.At"/> is its start).</summary>
[GenerateSerializer, Immutable, Alias("ft.TripStarted")]
public sealed record TripStarted(
    [property: Id(0)] string TripId,
    [property: Id(1)] double? Latitude,
    [property: Id(2)] double? Longitude) : VehicleEvent;

/// <summary>A trip ended (<see cref="TwinEvent.At"/> is its end), with its metrics when known.</summary>
[GenerateSerializer, Immutable, Alias("ft.TripEnded")]
public sealed record TripEnded(
    [property: Id(0)] string TripId,
    [property: Id(1)] DateTimeOffset? StartedAt,
    [property: Id(2)] double? Latitude,
    [property: Id(3)] double? Longitude,
    [property: Id(4)] double? DistanceKm) : VehicleEvent;

/// <summary>A trip turned out too short to count (under a minute) and is removed.</summary>
[GenerateSerializer, Immutable, Alias("ft.TripDiscarded")]
public sealed record TripDiscarded([property: Id(0)] string TripId) : VehicleEvent;
