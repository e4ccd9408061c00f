using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Geofences;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// The operators' geofences as one twin asks them: what its new position (or, while it is silent, the twin's clock)
/// decides with the silo's catalogue. The twin applies and journals the decision; a replay applies it as journaled.
/// </summary>
internal sealed class TwinGeofences(Func<VehicleTwinState> state, GeofenceCatalog catalog)
{
    private VehicleTwinState State => state();

    /// <summary>
    /// What a change that moved the vehicle from <paramref name="before"/> decides; null when it did not move, or when
    /// there are no geofences and the twin is in none.
    /// </summary>
    public GeofenceDecision? Decide(GeoPosition? before, DateTimeOffset now)
    {
        if (State.Location is not { } location || ReferenceEquals(location, before) || Idle)
        {
            return null;
        }

        return Decided(GeofenceTracker.Decide(State.Geofencing, new GeofencePosition(location.Latitude, location.Longitude, location.At), now, catalog.Current));
    }

    /// <summary>What the twin's clock decides while the vehicle is silent: a dwell under way that ended.</summary>
    public GeofenceDecision? Tick(DateTimeOffset now) =>
        GeofenceTracker.NextDue(State.Geofencing) is { } due && due <= now
            ? Decided(GeofenceTracker.Decide(State.Geofencing, null, now, catalog.Current))
            : null;

    /// <summary>True while a dwell is under way: the timeout reminder then keeps ticking.</summary>
    public bool Waiting => GeofenceTracker.NextDue(State.Geofencing) is not null;

    private bool Idle => catalog.Current.Count == 0 && State.Geofencing.Entries.IsEmpty;

    private static GeofenceDecision? Decided(GeofenceDecision decision) => decision.IsNone ? null : decision;
}
