using FleetTwins.Abstractions.Events;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// A change of a vehicle twin as its journal records it: enough to make the same change again when the twin is
/// activated from an older snapshot (<see cref="VehicleTwinState.Replay"/>), and small (a few hundred bytes).
/// </summary>
[GenerateSerializer, Alias("ft.grains.TwinChange")]
public abstract record TwinChange;

/// <summary>
/// A provider delivery applied: its events, and the time the twin applied it (the rules' clock), so that replaying it
/// derives the same notifications with the same ids.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.grains.DeliveryApplied")]
public sealed record DeliveryApplied(
    [property: Id(0)] TwinEventBatch<VehicleEvent> Batch,
    [property: Id(1)] DateTimeOffset Now,
    [property: Id(2)] string? TraceParent) : TwinChange;

/// <summary>Notifications the sinks took: they leave the outbox.</summary>
[GenerateSerializer, Immutable, Alias("ft.grains.OutboxDelivered")]
public sealed record OutboxDelivered([property: Id(0)] IReadOnlyList<string> NotificationIds) : TwinChange;
