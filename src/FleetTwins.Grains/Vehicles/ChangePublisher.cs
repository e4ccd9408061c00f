using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace FleetTwins.Grains.Vehicles;

/// <summary>Tells the fleet (search projection, fleet-wide watch), the metrics and a vehicle twin's live watchers about each persisted change.</summary>
internal sealed class ChangePublisher(IFleetFeed fleet, TwinMetrics metrics, ILogger logger)
{
    /// <summary>Live watchers; one that does not renew within a minute is dropped.</summary>
    private readonly ObserverManager<IVehicleWatcher> observers = new(TimeSpan.FromMinutes(1), logger);

    /// <summary>How many history entries each command had when live watchers last heard of it.</summary>
    private readonly Dictionary<string, int> commandsHeard = [];

    public void Subscribe(IVehicleWatcher watcher) => observers.Subscribe(watcher, watcher);

    public void Unsubscribe(IVehicleWatcher watcher) => observers.Unsubscribe(watcher);

    /// <summary>Repairs a projection row a crash kept from being written (on activation; the same version is a no-op).</summary>
    public void Reproject(string twinId, VehicleTwinState state) => fleet.Publish(new FleetChange(state.ToSummary(twinId), []));

    /// <summary>Notes the commands as watchers know them already (on activation, nothing of them is news).</summary>
    public void Heard(IEnumerable<VehicleCommand> commands)
    {
        foreach (var command in commands)
        {
            commandsHeard[command.Id] = command.History.Count;
        }
    }

    /// <summary>Lets every watcher go, answering them: they follow the twin into the one it is merged into.</summary>
    public IReadOnlyList<IVehicleWatcher> HandOver()
    {
        IReadOnlyList<IVehicleWatcher> all = [.. observers];
        observers.Clear();
        return all;
    }

    /// <summary>
    /// Publishes a persisted change: the new state, then each notification raised since <paramref name="newestNotificationBefore"/>
    /// (oldest first), then, to watchers, the commands that moved.
    /// </summary>
    public void Publish(string twinId, VehicleTwinState state, string? newestNotificationBefore)
    {
        var raised = state.Notifications.Count == 0 || state.Notifications[0].Id == newestNotificationBefore
            ? []
            : state.Notifications.TakeWhile(n => n.Id != newestNotificationBefore).Reverse().ToList();
        foreach (var notification in raised)
        {
            metrics.Raised(notification.Type);
        }

        fleet.Publish(new FleetChange(state.ToSummary(twinId), raised, Removed: state.MergedInto is not null));
        if (observers.Count == 0)
        {
            return;
        }

        var snapshot = state.ToSnapshot(twinId);
        observers.Notify(w => w.OnTwinChanged(snapshot));
        foreach (var notification in raised)
        {
            observers.Notify(w => w.OnNotification(notification));
        }

        NotifyCommands(state.Commands);
    }

    /// <summary>Tells watchers about each command that moved or gained a history entry since they last heard.</summary>
    private void NotifyCommands(List<VehicleCommand> commands)
    {
        foreach (var command in commands)
        {
            if (commandsHeard.GetValueOrDefault(command.Id) != command.History.Count)
            {
                commandsHeard[command.Id] = command.History.Count;
                observers.Notify(w => w.OnCommandChanged(command));
            }
        }

        if (commandsHeard.Count > commands.Count)
        {
            var kept = commands.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var pruned in commandsHeard.Keys.Where(id => !kept.Contains(id)).ToList())
            {
                commandsHeard.Remove(pruned);
            }
        }
    }
}
