using FleetTwins.Accounts;
using FleetTwins.Alerts;
using FleetTwins.Chargers;
using FleetTwins.Events;
using FleetTwins.RateLimits;
using FleetTwins.Vehicles;

namespace FleetTwins.Routing;

/// <summary>Canonical events for one twin, as a parser found them; the router delivers each to its grain.</summary>
public abstract record Routed;

/// <summary>Events about a vehicle named by VIN and/or provider aliases.</summary>
public sealed record ForVehicle(VehicleIdentity Identity, IReadOnlyList<VehicleEvent> Events) : Routed;

/// <summary>Events about a charger, keyed <c>provider:id</c>.</summary>
public sealed record ForCharger(string ChargerId, IReadOnlyList<ChargerEvent> Events) : Routed;

/// <summary>A custom alert, and the vehicle it is about when the payload names one.</summary>
public sealed record ForAlert(string AlertId, AlertUpdated Update, VehicleIdentity? Vehicle) : Routed;

/// <summary>Events about a client user's account; <see cref="DeviceAliases"/> maps device ids to vehicle aliases.</summary>
public sealed record ForAccount(string AccountId, AccountEvent Event, IReadOnlyDictionary<string, string> DeviceAliases) : Routed;

/// <summary>A rate-limit report about one object.</summary>
public sealed record ForRateLimit(string Provider, string Domain, string ObjectId, RateLimitUpdated Update) : Routed;
