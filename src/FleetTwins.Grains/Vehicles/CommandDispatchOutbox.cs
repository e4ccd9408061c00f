using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Telemetry;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Grains.Vehicles;

/// <summary>A command waiting for one channel to take it; kept in the twin's state until the channel did, or the command finished.</summary>
[GenerateSerializer, Alias("ft.grains.PendingDispatch")]
public sealed class PendingDispatch
{
    [Id(0)] public required string CommandId { get; init; }
    [Id(1)] public required string Channel { get; init; }
    [Id(2)] public required string Provider { get; init; }

    /// <summary>The vehicle as the provider knows it (its alias of that provider), when the twin holds one.</summary>
    [Id(3)] public string? ProviderVehicleId { get; init; }

    /// <summary>Attempts made so far.</summary>
    [Id(4)] public int Attempts { get; set; }

    /// <summary>Not tried again before this (the backoff after a failed attempt).</summary>
    [Id(5)] public DateTimeOffset NextAttemptAt { get; set; }
}

/// <summary>
/// A vehicle twin's dispatch outbox: hands each accepted command to every channel that serves its provider
/// (<see cref="ICommandDispatcher"/>), durably — the pending entries are journaled with the command, retried with backoff
/// (<see cref="DispatchRetryOptions"/>) until the channel takes it, and resumed by the next activation after a crash —
/// and records each success in the command's history (<c>dispatched</c>, channel, attempt); a channel that keeps failing
/// in a way retrying cannot mend (<see cref="PermanentDispatchException"/>) fails the command. A command that finished
/// before a channel took it (timed out, superseded, answered by the provider) is not sent any more.
/// </summary>
internal sealed class CommandDispatchOutbox(
    IGrainBase grain, TwinTurns turns, string twinId, Func<VehicleTwinState> state, ICommandDispatcher dispatcher, DispatchRetryOptions options,
    TimeProvider clock, TwinMetrics metrics, ILogger logger, Func<CommandsDispatched, Task> journal)
{
    /// <summary>Attempts a channel gets to answer readably before the command fails: a garbled answer may be a one-off.</summary>
    private const int PermanentFailureAttempts = 3;

    private IdleGrainTimer? timer;

    private VehicleTwinState State => state();

    private IdleGrainTimer Timer => timer ??= new(grain, turns, DeliverAsync);

    /// <summary>
    /// Where a command just created goes (pure): an entry for every channel of its provider; with none, the command notes
    /// in its history why it goes nowhere. The caller journals both (<see cref="CommandAccepted"/>), then <see cref="Start"/>s.
    /// </summary>
    public (VehicleCommand Command, IReadOnlyList<PendingDispatch> Dispatches) Plan(VehicleCommand command)
    {
        var now = clock.GetUtcNow();
        if (command.Provider is not { } provider)
        {
            return (CommandLifecycle.Note(command, "not dispatched: no provider serves this vehicle yet (name one with \"provider\")", now), []);
        }

        var channels = dispatcher.ChannelsFor(provider);
        if (channels.Count == 0)
        {
            return (CommandLifecycle.Note(command, $"not dispatched: no dispatcher for {provider}", now), []);
        }

        var vehicleId = ProviderVehicleId(State, provider);
        return (command, [.. channels.Select(channel =>
            new PendingDispatch { CommandId = command.Id, Channel = channel, Provider = provider, ProviderVehicleId = vehicleId, NextAttemptAt = now })]);
    }

    /// <summary>Delivers what is due, soon (after activation, a new command, a reminder tick); a no-op while a delivery is scheduled.</summary>
    public void Start()
    {
        if (!Timer.Armed)
        {
            Schedule();
        }
    }

    private void Schedule()
    {
        if (State.Dispatches.Count == 0)
        {
            Timer.ReleaseIfIdle();
            return;
        }

        var due = State.Dispatches.Min(d => d.NextAttemptAt) - clock.GetUtcNow();
        Timer.Arm(due > TimeSpan.Zero ? due : TimeSpan.Zero);
    }

    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        List<PendingDispatch> settled = [];
        Dictionary<string, VehicleCommand> moved = new(StringComparer.Ordinal);
        foreach (var pending in State.Dispatches.ToList())
        {
            var index = State.Commands.FindIndex(c => c.Id == pending.CommandId);
            if (index < 0 || State.Commands[index].IsFinal)
            {
                settled.Add(pending); // it finished first: sending it now would act on a stale request
                continue;
            }

            if (!dispatcher.Channels.Contains(pending.Channel))
            {
                settled.Add(pending);
                State.Commands[index] = moved[pending.CommandId] =
                    CommandLifecycle.Note(State.Commands[index], $"not dispatched: channel {pending.Channel} is no longer configured", clock.GetUtcNow());
                continue;
            }

            if (pending.NextAttemptAt > clock.GetUtcNow())
            {
                continue;
            }

            if (await AttemptAsync(pending, index, cancellationToken))
            {
                settled.Add(pending);
                moved[pending.CommandId] = State.Commands[index];
            }
        }

        if (settled.Count > 0)
        {
            await journal(new CommandsDispatched([.. moved.Values], settled, clock.GetUtcNow()));
        }

        Schedule();
    }

    /// <summary>
    /// One attempt on one channel; answers whether its entry is settled: the channel took it, or failed it for good (the
    /// command's history says which; the caller settles the entry).
    /// </summary>
    private async Task<bool> AttemptAsync(PendingDispatch pending, int index, CancellationToken cancellationToken)
    {
        var command = State.Commands[index];
        pending.Attempts++;
        var kind = pending.Channel.Split(':')[0];
        try
        {
            var receipt = await dispatcher.DispatchAsync(pending.Channel, new CommandDispatch(command.Id, twinId, pending.Provider,
                pending.ProviderVehicleId, command.Command, command.ArgumentsJson, command.IdempotencyKey, command.CreatedAt), cancellationToken);
            metrics.Dispatched(kind, delivered: true);
            // The timer does not interleave: nothing moved the command while the channel answered.
            State.Commands[index] = CommandLifecycle.Dispatched(command, pending.Channel, pending.Attempts, receipt.ProviderCommandId, clock.GetUtcNow());
            return true;
        }
        catch (PermanentDispatchException e) when (pending.Attempts >= PermanentFailureAttempts)
        {
            metrics.Dispatched(kind, delivered: false);
            State.Commands[index] = CommandLifecycle.Transition(command, CommandStatus.FAILED, clock.GetUtcNow(), $"not dispatched: {e.Message}", Sources.FleetTwins);
            logger.LogWarning("Dispatching {CommandId} of {TwinId} through {Channel} failed for good after {Attempt} attempts: {Error}",
                command.Id, twinId, pending.Channel, pending.Attempts, e.Message);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.Dispatched(kind, delivered: false);
            var backoff = Backoff(pending.Attempts);
            pending.NextAttemptAt = clock.GetUtcNow() + backoff;
            logger.LogWarning("Dispatching {CommandId} of {TwinId} through {Channel} failed (attempt {Attempt}); retrying in {Backoff}: {Error}",
                command.Id, twinId, pending.Channel, pending.Attempts, backoff, e.Message);
            return false;
        }
    }

    private TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(options.RetryBackoff.Ticks * (1L << Math.Min(attempts - 1, 30)), options.MaxRetryBackoff.Ticks));

    /// <summary>
    /// The provider serving the vehicle: the source of its newest reading (the operator's own settings aside); null when
    /// no provider has reported it yet.
    /// </summary>
    public static string? ServingProvider(VehicleTwinState twin)
    {
        (DateTimeOffset At, string Source)? newest = null;
        foreach (var reading in Readings(twin))
        {
            if (reading.Source is not (Sources.Api or Sources.FleetTwins) && (newest is null || reading.At > newest.Value.At))
            {
                newest = reading;
            }
        }

        return newest?.Source;
    }

    private static IEnumerable<(DateTimeOffset At, string Source)> Readings(VehicleTwinState t)
    {
        (DateTimeOffset, string)?[] single =
        [
            t.StateOfCharge is { } soc ? (soc.At, soc.Source) : null, t.EnergyRemaining is { } e ? (e.At, e.Source) : null,
            t.Range is { } r ? (r.At, r.Source) : null, t.Odometer is { } o ? (o.At, o.Source) : null,
            t.Location is { } l ? (l.At, l.Source) : null, t.Motion is { } m ? (m.At, m.Source) : null,
            t.Charging is { } c ? (c.At, c.Source) : null, t.Plug is { } p ? (p.At, p.Source) : null,
            t.ChargingDetails is { } d ? (d.At, d.Source) : null, t.DepartureTimes is { } dt ? (dt.At, dt.Source) : null,
            t.Connectivity is { } cn ? (cn.At, cn.Source) : null, t.Rental is { } rn ? (rn.At, rn.Source) : null,
            t.MasterData is { } md ? (md.At, md.Source) : null,
        ];
        return single.OfType<(DateTimeOffset, string)>()
            .Concat(t.Tires.Values.Select(x => (x.At, x.Source)))
            .Concat(t.OemAlerts.Values.Select(x => (x.At, x.Source)))
            .Concat(t.Status.Values.Select(x => (x.At, x.Source)))
            .Concat(t.Alarms.Select(x => (x.At, x.Source)))
            .Concat(t.CommandReports.Select(x => (x.At, x.Source)));
    }

    /// <summary>The vehicle's id at <paramref name="provider"/>: the twin's alias of that provider (a tracker's is its <c>imei:</c>).</summary>
    public static string? ProviderVehicleId(VehicleTwinState twin, string provider)
    {
        var prefix = (provider == Sources.Tracker ? "imei" : provider) + ":";
        return twin.Aliases.FirstOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
    }
}
