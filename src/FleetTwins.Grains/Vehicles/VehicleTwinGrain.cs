using FleetTwins.Commands;
using FleetTwins.Events;
using FleetTwins.Grains.Delivery;
using FleetTwins.Grains.Options;
using Microsoft.Extensions.Options;
using FleetTwins.Vehicles;
using Orleans.Runtime;

namespace FleetTwins.Grains.Vehicles;

/// <summary>The grain-to-grain half of a merge: hands a twin's whole state over to the twin it merges into.</summary>
public interface IVehicleTwinHandOver : IGrainWithStringKey
{
    /// <summary>Marks this twin as merged into <paramref name="targetTwinId"/> (persisted) and answers its state.</summary>
    Task<VehicleTwinState> HandOverAsync(string targetTwinId);
}

/// <summary>The digital twin of one vehicle: keeps its live state and persists every change before answering.</summary>
[GrainType("vehicle")]
public sealed class VehicleTwinGrain(
    [PersistentState("vehicle", StorageNames.Twins)] IPersistentState<VehicleTwinState> twin,
    TimeProvider clock,
    IOptions<CommandOptions> commandOptions,
    IOptions<NotificationOptions> notificationOptions) : Grain, IVehicleTwinGrain, IVehicleTwinHandOver, IRemindable
{
    /// <summary>The durable reminder that times commands out, registered while any command is open.</summary>
    private const string CommandReminder = "command-timeouts";

    private string Id => this.GetPrimaryKeyString();

    private VehicleTwinState State => twin.State;

    /// <summary>A merged twin forwards every call to the twin it was merged into.</summary>
    private IVehicleTwinGrain? MergedInto => State.MergedInto is { } target ? GrainFactory.GetGrain<IVehicleTwinGrain>(target) : null;

    public Task<VehicleTwin?> GetAsync() =>
        MergedInto?.GetAsync() ?? Task.FromResult(State.Exists ? State.ToSnapshot(Id) : null);

    public async Task<VehicleTwin> RegisterAsync(VehicleRegistration registration)
    {
        if (MergedInto is { } target)
        {
            return await target.RegisterAsync(registration);
        }

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
        if (MergedInto is { } target)
        {
            return await target.SetChargingTargetAsync(targetSoc, source);
        }

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
        if (MergedInto is { } target)
        {
            return await target.ApplyAsync(batch, identity);
        }

        return await twin.ApplyOnceAsync(this, State.Deliveries, batch.DeliveryId, () =>
        {
            var before = NotificationRules.Capture(State);
            State.Identify(identity);
            foreach (var e in batch.Events)
            {
                State.Apply(e, batch.Source);
            }

            CommandLifecycle.ConfirmFromState(State.Commands, State);
            CommandLifecycle.Expire(State.Commands, clock.GetUtcNow());
            State.Record(NotificationRules.Derive(Id, before, State, notificationOptions.Value));
            State.Touch(clock.GetUtcNow());
        });
    }

    public async Task<VehicleCommand?> SendCommandAsync(CommandRequest request)
    {
        if (MergedInto is { } target)
        {
            return await target.SendCommandAsync(request);
        }

        if (!State.Exists)
        {
            return null;
        }

        var id = $"cmd_{Guid.NewGuid():N}";
        var command = CommandLifecycle.Send(State.Commands, request, id, clock.GetUtcNow(), commandOptions.Value.Timeout);
        if (command.Id == id)
        {
            await SaveAsync();
            await this.RegisterOrUpdateReminder(CommandReminder, commandOptions.Value.CheckPeriod, commandOptions.Value.CheckPeriod);
        }

        return command;
    }

    public Task<IReadOnlyList<FleetTwins.Notifications.Notification>> GetNotificationsAsync() =>
        MergedInto?.GetNotificationsAsync() ?? Task.FromResult<IReadOnlyList<FleetTwins.Notifications.Notification>>([.. State.Notifications]);

    public Task<IReadOnlyList<VehicleCommand>> GetCommandsAsync() =>
        MergedInto?.GetCommandsAsync() ?? Task.FromResult<IReadOnlyList<VehicleCommand>>([.. State.Commands]);

    /// <summary>Times out open commands past their deadline; the reminder goes once no command is open.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != CommandReminder)
        {
            return;
        }

        var before = NotificationRules.Capture(State);
        if (CommandLifecycle.Expire(State.Commands, clock.GetUtcNow()))
        {
            State.Record(NotificationRules.Derive(Id, before, State, notificationOptions.Value));
            await SaveAsync();
        }

        if (State.Commands.All(c => c.IsFinal) && await this.GetReminder(CommandReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<IReadOnlyList<string>> MergeFromAsync(string otherTwinId)
    {
        if (otherTwinId == Id)
        {
            return [];
        }

        if (MergedInto is { } target)
        {
            return await target.MergeFromAsync(otherTwinId);
        }

        var other = await GrainFactory.GetGrain<IVehicleTwinHandOver>(otherTwinId).HandOverAsync(Id);
        if (!State.Absorbed.Contains(otherTwinId))
        {
            State.Absorb(other);
            State.Absorbed.Add(otherTwinId);
            await SaveAsync();
        }

        return other.Aliases;
    }

    public async Task<VehicleTwinState> HandOverAsync(string targetTwinId)
    {
        if (State.MergedInto != targetTwinId)
        {
            State.MergedInto = targetTwinId;
            await SaveAsync();
        }

        return State;
    }

    private Task SaveAsync()
    {
        State.Touch(clock.GetUtcNow());
        return twin.WriteStateOrDeactivateAsync(this);
    }
}
