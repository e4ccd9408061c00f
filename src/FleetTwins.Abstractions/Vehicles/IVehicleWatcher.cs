using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Notifications;
using Orleans.Concurrency;

namespace FleetTwins.Abstractions.Vehicles;

/// <summary>
/// A live watcher of one vehicle twin (an SSE or gRPC stream on some silo). Calls are one-way: a slow watcher
/// never holds up the twin.
/// </summary>
[Alias("ft.IVehicleWatcher")]
public interface IVehicleWatcher : IGrainObserver
{
    [OneWay]
    [Alias("OnTwinChanged")]
    Task OnTwinChanged(VehicleTwin twin);

    [OneWay]
    [Alias("OnNotification")]
    Task OnNotification(Notification notification);

    /// <summary>A command of the twin moved (or its dispatch was recorded): the command as it is now.</summary>
    [OneWay]
    [Alias("OnCommandChanged")]
    Task OnCommandChanged(VehicleCommand command);
}
