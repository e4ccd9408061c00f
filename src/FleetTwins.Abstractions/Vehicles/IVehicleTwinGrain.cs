using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Notifications;

namespace FleetTwins.Abstractions.Vehicles;

/// <summary>The digital twin of one vehicle, keyed by its twin id.</summary>
[Alias("ft.IVehicleTwinGrain")]
public interface IVehicleTwinGrain : IGrainWithStringKey
{
    /// <summary>The twin's current state, or null when no twin with this id exists.</summary>
    [Alias("Get")]
    Task<VehicleTwin?> GetAsync();

    /// <summary>
    /// Creates the twin, or binds what the operator states about it: the VIN (a conflict when another twin holds it)
    /// and each alias (the twin owning it merged in, unless it holds another VIN: a conflict).
    /// </summary>
    [Alias("Register")]
    Task<VehicleRegistrationResult> RegisterAsync(VehicleRegistration registration);

    /// <summary>Unbinds one alias from the twin (the next delivery naming it starts a new twin); null when the twin does not hold it.</summary>
    [Alias("UnlinkAlias")]
    Task<VehicleTwin?> UnlinkAliasAsync(string alias);

    /// <summary>Sets the target state of charge; null when no twin with this id exists.</summary>
    [Alias("SetChargingTarget")]
    Task<VehicleTwin?> SetChargingTargetAsync(double targetSoc, string source);

    /// <summary>
    /// Applies one provider delivery (creating the twin on first sight) and persists it before answering. The twin takes
    /// the identity's VIN and aliases as the identity rules allow (docs/INGESTION.md, Identity), or answers
    /// <see cref="ApplyOutcome.Refused"/> when the identity is not its.
    /// </summary>
    [Alias("Apply")]
    Task<ApplyOutcome> ApplyAsync(TwinEventBatch<VehicleEvent> batch, VehicleIdentity identity);

    /// <summary>Records a command as PENDING (or answers the one with the same idempotency key); null when no twin exists.</summary>
    [Alias("SendCommand")]
    Task<VehicleCommand?> SendCommandAsync(CommandRequest request);

    /// <summary>Sets this vehicle's notification thresholds (overriding the fleet's); null when no twin exists.</summary>
    [Alias("SetNotificationThresholds")]
    Task<VehicleTwin?> SetNotificationThresholdsAsync(NotificationThresholds thresholds);

    /// <summary>
    /// Changes what operators say about the vehicle (journaled, in its history; a patch that changes nothing writes
    /// nothing); <paramref name="by"/> names who. Null when no twin with this id exists.
    /// </summary>
    [Alias("SetMasterData")]
    Task<VehicleTwin?> SetMasterDataAsync(MasterDataPatch patch, string? by);

    /// <summary>Registers a live watcher for a minute; watchers renew before that, and are forgotten when they stop.</summary>
    [Alias("Watch")]
    Task WatchAsync(IVehicleWatcher watcher);

    /// <summary>Removes a live watcher.</summary>
    [Alias("Unwatch")]
    Task UnwatchAsync(IVehicleWatcher watcher);

    /// <summary>The twin's recent notifications, newest first.</summary>
    [Alias("GetNotifications")]
    Task<IReadOnlyList<Notification>> GetNotificationsAsync();

    /// <summary>The twin's commands, newest first.</summary>
    [Alias("GetCommands")]
    Task<IReadOnlyList<VehicleCommand>> GetCommandsAsync();

    /// <summary>Evaluates the operators' rules now, with the rules of <paramref name="rulesVersion"/> or later (a rule changed).</summary>
    [Alias("EvaluateRules")]
    Task EvaluateRulesAsync(long rulesVersion);

    /// <summary>The alerts the twin's rules hold: open ones, and ones cleared while their condition still holds.</summary>
    [Alias("GetRuleAlerts")]
    Task<IReadOnlyList<Alert>> GetRuleAlertsAsync();

    /// <summary>
    /// An operator acknowledges (or, with <paramref name="clear"/>, clears) an alert of the twin's rules; answers the alert
    /// as it now is, or null when the twin holds no such alert.
    /// </summary>
    [Alias("ActOnAlert")]
    Task<Alert?> ActOnAlertAsync(string alertId, bool clear, string by, string? reason);
}

/// <summary>How a delivery names its vehicle: the VIN when it carries one, and every provider alias.</summary>
[GenerateSerializer, Immutable, Alias("ft.VehicleIdentity")]
public sealed record VehicleIdentity(
    [property: Id(0)] string? Vin,
    [property: Id(1)] IReadOnlyList<string> Aliases)
{
    /// <summary>Every alias including <c>vin:...</c>.</summary>
    public IEnumerable<string> AllAliases => Vin is null ? Aliases : Aliases.Prepend($"vin:{Vin}");
}
