using FleetTwins.Chargers;
using FleetTwins.Events;
using FleetTwins.Grains.Delivery;
using Orleans.Runtime;

namespace FleetTwins.Grains.Chargers;

/// <summary>The persisted state of one charger twin.</summary>
[GenerateSerializer]
public sealed class ChargerState
{
    [Id(0)] public ChargerTwin? Twin { get; set; }
    [Id(1)] public DeliveryLog Deliveries { get; set; } = new();

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
    TimeProvider clock) : Grain, IChargerGrain
{
    public Task<ChargerTwin?> GetAsync() => Task.FromResult(charger.State.Twin);

    public Task<ApplyOutcome> ApplyAsync(TwinEventBatch<ChargerEvent> batch) =>
        charger.ApplyOnceAsync(this, charger.State.Deliveries, batch.DeliveryId,
            () => charger.State.Apply(this.GetPrimaryKeyString(), batch, clock.GetUtcNow()));
}
