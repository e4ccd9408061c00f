namespace FleetTwins.Vehicles;

/// <summary>The digital twin of one vehicle, keyed by its twin id.</summary>
public interface IVehicleTwinGrain : IGrainWithStringKey
{
    /// <summary>The twin's current state, or null when no twin with this id exists.</summary>
    Task<VehicleTwin?> GetAsync();

    /// <summary>Creates the twin, or updates what the operator states about it; answers the twin as stored.</summary>
    Task<VehicleTwin> RegisterAsync(VehicleRegistration registration);

    /// <summary>Sets the target state of charge; null when no twin with this id exists.</summary>
    Task<VehicleTwin?> SetChargingTargetAsync(double targetSoc, string source);
}
