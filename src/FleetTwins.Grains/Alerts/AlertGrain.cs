using System.Text.Json;
using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Grains.Delivery;
using FleetTwins.Search.Alerts;

namespace FleetTwins.Grains.Alerts;

/// <summary>The persisted state of one custom alert twin.</summary>
[GenerateSerializer, Alias("ft.grains.AlertState")]
public sealed class AlertState
{
    [Id(0)] public AlertTwin? Twin { get; set; }
    [Id(1)] public DeliveryLog Deliveries { get; set; } = new();

    /// <summary>The provider's time of the first update applied: when the alert was raised, if the provider gives no <c>createdAt</c>.</summary>
    [Id(2)] public DateTimeOffset? FirstAt { get; set; }

    /// <summary>Applies one delivery (pure): the newest description of the alert wins, an older one is ignored.</summary>
    public void Apply(string id, TwinEventBatch<AlertEvent> batch, string? vehicleId)
    {
        foreach (var update in batch.Events.OfType<AlertUpdated>())
        {
            if (Twin is not null && update.At < Twin.At)
            {
                continue;
            }

            FirstAt ??= update.At;
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

    /// <summary>
    /// The alert as the one inbox shows it (pure): origin the provider, its severity in ours, <c>active</c> until the
    /// provider resolves or closes it, then <c>cleared</c>; null before the first update.
    /// </summary>
    public Alert? ToInboxAlert()
    {
        if (Twin is not { } twin)
        {
            return null;
        }

        var raisedAt = VehicleSummary.Micros(twin.CreatedAt ?? FirstAt ?? twin.At);
        var at = VehicleSummary.Micros(twin.At);
        var cleared = twin.Status.ToUpperInvariant() is "RESOLVED" or "CLOSED";
        return new Alert
        {
            Id = twin.Id,
            Origin = twin.Source,
            VehicleId = twin.VehicleId,
            Name = twin.Definition?.Name,
            Severity = twin.Severity?.ToUpperInvariant() switch
            {
                "CRITICAL" => "critical",
                "HIGH" => "major",
                "MEDIUM" => "minor",
                "LOW" => "warning",
                _ => "info",
            },
            Status = cleared ? AlertStatuses.Cleared : AlertStatuses.Active,
            RaisedAt = raisedAt,
            ClearedAt = cleared ? at : null,
            Values = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["status"] = twin.Status,
                ["severity"] = twin.Severity,
                ["muted"] = twin.Muted,
                ["message"] = twin.Definition?.Message,
                ["category"] = twin.Definition?.Category,
            }),
            Timeline = cleared
                ? [new AlertStep(AlertStatuses.Active, raisedAt, twin.Source, null), new AlertStep(AlertStatuses.Cleared, at, twin.Source, twin.Status)]
                : [new AlertStep(AlertStatuses.Active, raisedAt, twin.Source, null)],
            Version = twin.Version,
            UpdatedAt = at,
        };
    }
}

/// <summary>The twin of one custom alert; each version of it also goes to the alert index (the one inbox).</summary>
[GrainType("alert")]
public sealed class AlertGrain(
    [PersistentState("alert", StorageNames.Twins)] IPersistentState<AlertState> alert,
    IAlertIndex index,
    TimeProvider clock) : Grain, IAlertGrain
{
    public Task<AlertTwin?> GetAsync() => Task.FromResult(alert.State.Twin);

    public async Task<ApplyOutcome> ApplyAsync(TwinEventBatch<AlertEvent> batch, string? vehicleId)
    {
        var outcome = await alert.ApplyOnceAsync(this, alert.State.Deliveries, batch.DeliveryId, clock.GetUtcNow(),
            () => alert.State.Apply(this.GetPrimaryKeyString(), batch, vehicleId));
        // Also for a duplicate: the retry of a delivery whose index write failed after its state was persisted. A failed
        // write fails the call, so the provider delivers again; the index keeps the newest version either way.
        if (alert.State.ToInboxAlert() is { } inbox)
        {
            await index.WriteAsync([inbox], CancellationToken.None);
        }

        return outcome;
    }
}
