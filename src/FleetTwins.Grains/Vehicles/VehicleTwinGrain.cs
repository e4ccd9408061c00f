using FleetTwins.Events;
using FleetTwins.Grains.Delivery;
using FleetTwins.Vehicles;
using Orleans.Runtime;

namespace FleetTwins.Grains.Vehicles;

/// <summary>The digital twin of one vehicle: keeps its live state and persists every change before answering.</summary>
[GrainType("vehicle")]
public sealed class VehicleTwinGrain(
    [PersistentState("vehicle", StorageNames.Twins)] IPersistentState<VehicleTwinState> twin,
    TimeProvider clock) : Grain, IVehicleTwinGrain
{
    private string Id => this.GetPrimaryKeyString();

    private VehicleTwinState State => twin.State;

    public Task<VehicleTwin?> GetAsync() =>
        Task.FromResult(State.Exists ? State.ToSnapshot(Id) : null);

    public async Task<VehicleTwin> RegisterAsync(VehicleRegistration registration)
    {
        if (registration.Vin is { } vin)
        {
            State.Vin = VehicleIds.NormalizeVin(vin);
            State.AddAlias($"vin:{State.Vin}");
        }

        await SaveAsync();
        return State.ToSnapshot(Id);
    }

    public async Task<VehicleTwin?> SetChargingTargetAsync(double targetSoc, string source)
    {
        if (!State.Exists)
        {
            return null;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(targetSoc, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetSoc, 100);
        State.ChargingTarget = new ChargingTarget(targetSoc, source, clock.GetUtcNow());
        await SaveAsync();
        return State.ToSnapshot(Id);
    }

    public async Task<ApplyOutcome> ApplyAsync(TwinEventBatch<VehicleEvent> batch, VehicleIdentity identity)
    {
        if (State.Deliveries.Contains(batch.DeliveryId))
        {
            return ApplyOutcome.Duplicate;
        }

        State.Identify(identity);
        foreach (var e in batch.Events)
        {
            State.Apply(e, batch.Source);
        }

        State.Deliveries.Add(batch.DeliveryId);
        await SaveAsync();
        return ApplyOutcome.Applied;
    }

    private Task SaveAsync()
    {
        State.Touch(clock.GetUtcNow());
        return twin.WriteStateOrDeactivateAsync(this);
    }
}
