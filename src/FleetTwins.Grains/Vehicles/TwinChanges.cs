using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Geofences;
using FleetTwins.Grains.Rules;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// A change of a vehicle twin as its journal records it: enough to make the same change again when the twin is
/// activated from an older snapshot (<see cref="VehicleTwinState.Replay"/>), and small (a few hundred bytes).
/// </summary>
[GenerateSerializer, Alias("ft.grains.TwinChange")]
public abstract record TwinChange;

/// <summary>
/// A provider delivery applied: its events, and the time the twin applied it (the rules' clock), so that replaying it
/// derives the same notifications with the same ids; and what the operators' rules decided on it, replayed as decided.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.grains.DeliveryApplied")]
public sealed record DeliveryApplied(
    [property: Id(0)] TwinEventBatch<VehicleEvent> Batch,
    [property: Id(1)] DateTimeOffset Now,
    [property: Id(2)] string? TraceParent) : TwinChange
{
    [Id(3)] public RuleDecision? Rules { get; init; }

    /// <summary>What the operators' geofences decided on the position it brought; applied before the rules (they may ask <c>inside()</c>).</summary>
    [Id(4)] public GeofenceDecision? Geofences { get; init; }
}

/// <summary>What the operators' geofences decided without a delivery: a dwell that ended while the vehicle was silent.</summary>
[GenerateSerializer, Immutable, Alias("ft.grains.GeofencesDecided")]
public sealed record GeofencesDecided(
    [property: Id(0)] GeofenceDecision Decision,
    [property: Id(1)] DateTimeOffset Now,
    [property: Id(2)] string? TraceParent) : TwinChange;

/// <summary>
/// What the operators' rules decided without a delivery: a timer while the vehicle is silent, a changed rule, an
/// operator acknowledging or clearing an alert.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.grains.RulesDecided")]
public sealed record RulesDecided(
    [property: Id(0)] RuleDecision Decision,
    [property: Id(1)] DateTimeOffset Now,
    [property: Id(2)] string? TraceParent) : TwinChange;

/// <summary>Notifications the sinks took: they leave the outbox.</summary>
[GenerateSerializer, Immutable, Alias("ft.grains.OutboxDelivered")]
public sealed record OutboxDelivered([property: Id(0)] IReadOnlyList<string> NotificationIds) : TwinChange;

/// <summary>
/// A command accepted: the command as stored (with any note on where it goes), the channels it waits for, and since
/// when idempotency keys were remembered then (<see cref="CommandLifecycle.Accept"/>). About the size of its arguments,
/// however many commands the twin keeps.
/// </summary>
[GenerateSerializer, Alias("ft.grains.CommandAccepted")]
public sealed record CommandAccepted(
    [property: Id(0)] VehicleCommand Command,
    [property: Id(1)] IReadOnlyList<PendingDispatch> Dispatches,
    [property: Id(2)] DateTimeOffset RememberedSince) : TwinChange;

/// <summary>
/// Commands the dispatch outbox moved on (taken by a channel, or noted as going nowhere), each as it now is, and the
/// dispatch entries that are settled (taken, or no longer to be tried).
/// </summary>
[GenerateSerializer, Alias("ft.grains.CommandsDispatched")]
public sealed record CommandsDispatched(
    [property: Id(0)] IReadOnlyList<VehicleCommand> Commands,
    [property: Id(1)] IReadOnlyList<PendingDispatch> Settled,
    [property: Id(2)] DateTimeOffset Now) : TwinChange;

/// <summary>
/// A tick of the timeout reminder that changed something: open commands past their deadline timed out, and the
/// notifications the rules raise at <see cref="Now"/> (vehicle-offline after its dwell), with the tick's trace context.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.grains.TimeoutsChecked")]
public sealed record TimeoutsChecked([property: Id(0)] DateTimeOffset Now, [property: Id(1)] string? TraceParent) : TwinChange;

/// <summary>
/// Operators changed the vehicle's master data (<see cref="MasterDataPatch"/>: the members set, the others kept), at
/// <see cref="Now"/>, by the API key <see cref="By"/> names. Journaled only when it changes a value.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.grains.MasterDataSet")]
public sealed record MasterDataSet(
    [property: Id(0)] MasterDataPatch Patch,
    [property: Id(1)] DateTimeOffset Now,
    [property: Id(2)] string? By) : TwinChange;
