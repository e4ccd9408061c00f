using FleetTwins.Abstractions.Notifications;
using FleetTwins.Grains.Vehicles;

namespace FleetTwins.Grains.Geofences;

/// <summary>The notifications a geofence transition raises on its twin: <c>geofence-entered</c> and <c>geofence-exited</c>.</summary>
public static class GeofenceNotifications
{
    public const string Entered = "geofence-entered";

    public const string Exited = "geofence-exited";

    /// <summary>The notification of <paramref name="transition"/>; its data carries <c>geofenceId</c>, <c>name</c>, <c>latitude</c>, <c>longitude</c>.</summary>
    public static Notification For(string twinId, GeofenceTransition transition)
    {
        var (type, reason) = transition.Kind == GeofenceTransitionKind.Entered
            ? (Entered, $"entered geofence {transition.Name}")
            : (Exited, transition.Reason == GeofenceTracker.Deleted ? $"geofence {transition.Name} was deleted" : $"left geofence {transition.Name}");
        return NotificationRules.Create(twinId, type, transition.At, reason,
            new { geofenceId = transition.GeofenceId, name = transition.Name, latitude = transition.Latitude, longitude = transition.Longitude });
    }
}
