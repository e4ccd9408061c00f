using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Chargers;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Delivery;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Vehicles;
using Microsoft.Extensions.Options;

namespace FleetTwins.Grains.Chargers;

/// <summary>The persisted state of one charger twin.</summary>
[GenerateSerializer, Alias("ft.grains.ChargerState")]
public sealed class ChargerState
{
    [Id(0)] public ChargerTwin? Twin { get; set; }
    [Id(1)] public DeliveryLog Deliveries { get; set; } = new();

    /// <summary>Commands sent to the charger, newest first, with their lifecycle (the vehicles' state machine).</summary>
    [Id(2)] public List<VehicleCommand> Commands { get; set; } = [];

    /// <summary>Commands pruned from <see cref="Commands"/> whose idempotency key still answers them.</summary>
    [Id(3)] public List<VehicleCommand> RememberedCommands { get; set; } = [];

    /// <summary>Applies one delivery to the snapshot (pure: no I/O).</summary>
    public void Apply(string id, TwinEventBatch<ChargerEvent> batch, DateTimeOffset now)
    {
        var twin = Twin ?? new ChargerTwin { Id = id, Aliases = [id], CreatedAt = now };
        var commands = twin.Commands.ToList();
        var lastSeen = twin.LastSeenAt;
        foreach (var e in batch.Events)
        {
            if (e is ChargerCommandReported command)
            {
                var report = new ChargerCommandReport(command.Action, command.Code, command.Success, command.Message, command.JobId, command.At, batch.Source);
                CommandLifecycle.ApplyReport(Commands, new CommandStatusReported(command.JobId, command.Action,
                    command.Success ? (command.Code?.Contains("CONFIRMED", StringComparison.OrdinalIgnoreCase) == true ? "CONFIRMED" : "EXECUTED") : "FAILED",
                    command.Message)
                { At = command.At }, batch.Source);
                var index = command.JobId is null ? -1 : commands.FindIndex(c => c.JobId == command.JobId);
                if (index >= 0)
                {
                    commands[index] = report;
                }
                else
                {
                    commands.Insert(0, report);
                }
            }

            lastSeen = lastSeen is null || e.At > lastSeen ? e.At : lastSeen;
        }

        commands = [.. commands.OrderByDescending(c => c.At).Take(20)];
        Twin = twin with
        {
            Commands = commands,
            LastCommand = commands.FirstOrDefault(),
            LastSeenAt = lastSeen,
            UpdatedAt = now,
            Version = twin.Version + 1,
        };
    }
}

/// <summary>The twin of one charger.</summary>
[GrainType("charger")]
public sealed class ChargerGrain(
    [PersistentState("charger", StorageNames.Twins)] IPersistentState<ChargerState> charger,
    TimeProvider clock,
    IOptions<CommandOptions> commandOptions) : Grain, IChargerGrain, IRemindable
{
    private const string TimeoutReminder = "timeouts";

    public async Task<VehicleCommand?> SendCommandAsync(CommandRequest request)
    {
        if (charger.State.Twin is null)
        {
            return null;
        }

        var id = $"cmd_{Guid.NewGuid():N}";
        var command = CommandLifecycle.Send(charger.State.Commands, charger.State.RememberedCommands, request, id, clock.GetUtcNow(), commandOptions.Value,
            request.Provider);
        if (command.Id == id)
        {
            // Only vehicles have dispatchers; a charger's command is followed through its provider's reports.
            command = charger.State.Commands[0] = CommandLifecycle.Note(command, "not dispatched: commands to chargers are not dispatched", clock.GetUtcNow());
            // The reminder first: a command stored without it would stay PENDING for ever; a reminder without a command stops itself.
            await this.RunOrDeactivateAsync(() =>
                this.RegisterOrUpdateReminder(TimeoutReminder, commandOptions.Value.CheckPeriod, commandOptions.Value.CheckPeriod));

            await charger.WriteStateOrDeactivateAsync(this);
        }

        return command;
    }

    public Task<IReadOnlyList<VehicleCommand>> GetCommandsAsync() => Task.FromResult<IReadOnlyList<VehicleCommand>>([.. charger.State.Commands]);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (CommandLifecycle.Expire(charger.State.Commands, clock.GetUtcNow()))
        {
            await charger.WriteStateOrDeactivateAsync(this);
        }

        if (!charger.State.Commands.Any(CommandLifecycle.Awaited) && await this.GetReminder(TimeoutReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<ChargerTwin?> GetAsync() => Task.FromResult(charger.State.Twin);

    public Task<ApplyOutcome> ApplyAsync(TwinEventBatch<ChargerEvent> batch)
    {
        var now = clock.GetUtcNow();
        return charger.ApplyOnceAsync(this, charger.State.Deliveries, batch.DeliveryId, now,
            () => charger.State.Apply(this.GetPrimaryKeyString(), batch, now));
    }
}
