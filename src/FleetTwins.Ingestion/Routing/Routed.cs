using FleetTwins.Abstractions.Accounts;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Chargers;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.RateLimits;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Ingestion.Routing;

/// <summary>
/// Canonical events for one twin, as a parser found them; the router delivers each to its grain. Serializable: an
/// INVERS message travels its stream already parsed (<c>InversDelivery</c>).
/// </summary>
[GenerateSerializer, Alias("ft.ingestion.Routed")]
public abstract record Routed;

/// <summary>Events about a vehicle named by VIN and/or provider aliases.</summary>
[GenerateSerializer, Immutable, Alias("ft.ingestion.ForVehicle")]
public sealed record ForVehicle([property: Id(0)] VehicleIdentity Identity, [property: Id(1)] IReadOnlyList<VehicleEvent> Events) : Routed;

/// <summary>Events about a charger, keyed <c>provider:id</c>.</summary>
[GenerateSerializer, Immutable, Alias("ft.ingestion.ForCharger")]
public sealed record ForCharger([property: Id(0)] string ChargerId, [property: Id(1)] IReadOnlyList<ChargerEvent> Events) : Routed;

/// <summary>A custom alert, and the vehicle it is about when the payload names one.</summary>
[GenerateSerializer, Immutable, Alias("ft.ingestion.ForAlert")]
public sealed record ForAlert([property: Id(0)] string AlertId, [property: Id(1)] AlertUpdated Update, [property: Id(2)] VehicleIdentity? Vehicle) : Routed;

/// <summary>Events about a client user's account; <see cref="DeviceAliases"/> maps device ids to vehicle aliases.</summary>
[GenerateSerializer, Immutable, Alias("ft.ingestion.ForAccount")]
public sealed record ForAccount([property: Id(0)] string AccountId, [property: Id(1)] AccountEvent Event, [property: Id(2)] IReadOnlyDictionary<string, string> DeviceAliases) : Routed;

/// <summary>A rate-limit report about one object.</summary>
[GenerateSerializer, Immutable, Alias("ft.ingestion.ForRateLimit")]
public sealed record ForRateLimit([property: Id(0)] string Provider, [property: Id(1)] string Domain, [property: Id(2)] string ObjectId, [property: Id(3)] RateLimitUpdated Update) : Routed;
