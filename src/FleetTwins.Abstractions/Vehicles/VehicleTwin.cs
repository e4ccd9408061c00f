namespace FleetTwins.Vehicles;

/// <summary>A read-only snapshot of one vehicle twin, as the query APIs serve it.</summary>
[GenerateSerializer, Immutable]
public sealed record VehicleTwin(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Vin,
    [property: Id(2)] IReadOnlyList<string> Aliases,
    [property: Id(3)] bool Online,
    [property: Id(4)] DateTimeOffset? LastSeenAt,
    [property: Id(5)] ChargingTarget? ChargingTarget,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] long Version);

/// <summary>The state of charge at which charging is expected to end, and who set it.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargingTarget(
    [property: Id(0)] double TargetSoc,
    [property: Id(1)] string Source,
    [property: Id(2)] DateTimeOffset At);

/// <summary>What an operator states when registering a vehicle through the API.</summary>
[GenerateSerializer, Immutable]
public sealed record VehicleRegistration([property: Id(0)] string? Vin);
