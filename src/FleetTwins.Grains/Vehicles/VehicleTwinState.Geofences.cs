using FleetTwins.Grains.Geofences;

namespace FleetTwins.Grains.Vehicles;

/// <summary>The operators' geofences on this vehicle: which it is inside, and the changes under way (docs/RULES.md).</summary>
public sealed partial class VehicleTwinState
{
    [Id(49)] public GeofenceMembership Geofencing { get; set; } = GeofenceMembership.Empty;

    /// <summary>Applies what the geofences decided (pure: as decided, also when replayed), with its notifications.</summary>
    public void Apply(string twinId, GeofenceDecision decision, string? traceParent)
    {
        Geofencing = GeofenceTracker.Apply(Geofencing, decision);
        Record(decision.Transitions.Select(t => GeofenceNotifications.For(twinId, t)), traceParent);
    }
}
