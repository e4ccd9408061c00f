using FleetTwins.Notifications;
using Orleans.Concurrency;

namespace FleetTwins.Vehicles;

/// <summary>
/// A live watcher of one vehicle twin (an SSE or gRPC stream on some silo). Calls are one-way: a slow watcher
/// never holds up the twin.
/// </summary>
public interface IVehicleWatcher : IGrainObserver
{
    [OneWay]
    Task OnTwinChanged(VehicleTwin twin);

    [OneWay]
    Task OnNotification(Notification notification);
}
