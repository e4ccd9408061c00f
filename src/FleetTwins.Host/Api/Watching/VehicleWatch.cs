using System.Globalization;
using System.Runtime.CompilerServices;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Host.Api.Watching;

/// <summary>
/// A live watch of one vehicle twin, for the SSE endpoint and the gRPC stream alike: <c>twin</c> (the snapshot now,
/// then after every change), <c>notification</c> and <c>command</c> (a command that moved), through an Orleans observer the twin calls one-way, whichever
/// silo it lives on. A <c>twin</c> event's id is the twin's version: a watcher that resumes after the version the
/// twin still has is not sent that snapshot again.
/// </summary>
public static class VehicleWatch
{
    public static async IAsyncEnumerable<WatchEvent> RunAsync(IGrainFactory grains, IVehicleTwinGrain vehicle, VehicleTwin current,
        long? resumeAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var session = new WatchSession();
        var watcher = new Watcher(session);
        var reference = grains.CreateObjectReference<IVehicleWatcher>(watcher);
        try
        {
            await vehicle.WatchAsync(reference);
            // Read again once registered: a change between the caller's read and the registration is in this snapshot.
            current = await vehicle.GetAsync() ?? current;
            if (resumeAfter != current.Version)
            {
                yield return new WatchEvent("twin", current, IdOf(current));
            }

            await foreach (var e in session.ReadAllAsync(() => vehicle.WatchAsync(reference), cancellationToken))
            {
                yield return e;
            }
        }
        finally
        {
            await UnwatchAsync(vehicle, reference);
            grains.DeleteObjectReference<IVehicleWatcher>(reference);
            GC.KeepAlive(watcher);
        }
    }

    /// <summary>The id of a <c>twin</c> event: the twin's version.</summary>
    private static string IdOf(VehicleTwin twin) => twin.Version.ToString(CultureInfo.InvariantCulture);

    private static async Task UnwatchAsync(IVehicleTwinGrain vehicle, IVehicleWatcher reference)
    {
        try
        {
            await vehicle.UnwatchAsync(reference);
        }
        catch (Exception)
        {
            // Best effort: an unrenewed watcher expires on its own.
        }
    }

    /// <summary>The twin's one-way calls land here and wait in the session's bounded buffer.</summary>
    private sealed class Watcher(WatchSession session) : IVehicleWatcher
    {
        public Task OnTwinChanged(VehicleTwin twin)
        {
            session.Post("twin", twin, IdOf(twin));
            return Task.CompletedTask;
        }

        public Task OnNotification(Notification notification)
        {
            session.Post("notification", NotificationView.From(notification));
            return Task.CompletedTask;
        }

        public Task OnCommandChanged(VehicleCommand command)
        {
            session.Post("command", command);
            return Task.CompletedTask;
        }
    }
}
