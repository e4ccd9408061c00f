using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Delivery;

namespace FleetTwins.Grains.Alerts;

/// <summary>The persisted state of one custom alert twin.</summary>
[GenerateSerializer, Alias("ft.grains.AlertState")]
public sealed class AlertState
{
    [Id(0)] public AlertTwin? Twin { get; set; }
    [Id(1)] public DeliveryLog Deliveries { get; set; } = new();

    /// <summary>Applies one delivery (pure): the newest description of the alert wins, an older one is ignored.</summary>
    public void Apply(string id, TwinEventBatch<AlertEvent> batch, string? vehicleId)
    {
        foreach (var update in batch.Events.OfType<AlertUpdated>())
        {
            if (Twin is not null && update.At < Twin.At)
            {
                continue;
            }

            Twin = new AlertTwin
            {
                Id = id,
                Status = update.Status,
                Severity = update.Severity,
                Muted = update.Muted,
                AlertDefinitionId = update.AlertDefinitionId,
                Vin = update.Vin,
                DeviceId = update.DeviceId,
                VehicleId = vehicleId ?? Twin?.VehicleId,
                CreatedAt = update.CreatedAt,
                Definition = update.Definition,
                Resolutions = update.Resolutions,
                At = update.At,
                Source = batch.Source,
                Version = (Twin?.Version ?? 0) + 1,
            };
        }
    }
}

/// <summary>The twin of one custom alert.</summary>
[GrainType("alert")]
public sealed class AlertGrain([PersistentState("alert", StorageNames.Twins)] IPersistentState<AlertState> alert, TimeProvider clock) : Grain, IAlertGrain
{
    public Task<AlertTwin?> GetAsync() => Task.FromResult(alert.State.Twin);

    public Task<ApplyOutcome> ApplyAsync(TwinEventBatch<AlertEvent> batch, string? vehicleId) =>
        alert.ApplyOnceAsync(this, alert.State.Deliveries, batch.DeliveryId, clock.GetUtcNow(),
            () => alert.State.Apply(this.GetPrimaryKeyString(), batch, vehicleId));
}
