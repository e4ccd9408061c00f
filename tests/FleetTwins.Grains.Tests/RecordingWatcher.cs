using System.Collections.Concurrent;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Grains.Tests;

/// <summary>A live watcher of a twin that records every snapshot, notification and command change it is told of.</summary>
public sealed class RecordingWatcher : IVehicleWatcher
{
    private readonly ConcurrentQueue<VehicleTwin> seen = new();
    private readonly ConcurrentQueue<Notification> notifications = new();
    private readonly ConcurrentQueue<VehicleCommand> commands = new();

    public IReadOnlyList<VehicleTwin> Seen => [.. seen];

    public IReadOnlyList<Notification> Notifications => [.. notifications];

    public IReadOnlyList<VehicleCommand> Commands => [.. commands];

    public Task OnTwinChanged(VehicleTwin twin)
    {
        seen.Enqueue(twin);
        return Task.CompletedTask;
    }

    public Task OnNotification(Notification notification)
    {
        notifications.Enqueue(notification);
        return Task.CompletedTask;
    }

    public Task OnCommandChanged(VehicleCommand command)
    {
        commands.Enqueue(command);
        return Task.CompletedTask;
    }
}
