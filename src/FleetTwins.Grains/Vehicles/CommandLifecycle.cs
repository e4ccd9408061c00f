using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Options;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// The command state machine (pure): PENDING → EXECUTED → CONFIRMED, or FAILED, TIMED_OUT, SUPERSEDED. A command
/// only moves forward; once final it never moves again, whatever late or duplicate event arrives.
/// </summary>
public static class CommandLifecycle
{
    /// <summary>How many commands a twin keeps (the oldest finished ones go first).</summary>
    public const int Retained = 50;

    /// <summary>
    /// At most this many commands pruned from the newest <see cref="Retained"/> are remembered for their idempotency
    /// key: a bound on state for a key holder sending thousands a day, far above what a vehicle is sent.
    /// </summary>
    public const int RememberedCapacity = 1000;

    /// <summary>A provider report without a command id matches a command of its kind sent at most this long after it.</summary>
    private static readonly TimeSpan ReportSkew = TimeSpan.FromMinutes(1);

    /// <summary>At most this many of a provider's own commands (seen only in its reports) are kept beside ours.</summary>
    public const int ProviderOwnRetained = 20;

    private static int Rank(CommandStatus status) => status switch
    {
        CommandStatus.PENDING => 0,
        CommandStatus.EXECUTED => 1,
        CommandStatus.CONFIRMED => 2,
        _ => 3,
    };

    /// <summary>Moves <paramref name="command"/> to <paramref name="to"/> if that is forward; otherwise leaves it as it is.</summary>
    public static VehicleCommand Transition(VehicleCommand command, CommandStatus to, DateTimeOffset at, string? reason, string source) =>
        command.IsFinal || Rank(to) <= Rank(command.Status)
            ? command
            : command with { Status = to, UpdatedAt = at, History = [.. command.History, new CommandTransition(to, at, reason, source)] };

    /// <summary>
    /// Records a new command, superseding open ones of the same kind. The same idempotency key answers the same
    /// command for <see cref="CommandOptions.IdempotencyWindow"/> (<see cref="Existing"/>); otherwise the command is
    /// <see cref="Create"/>d and <see cref="Accept"/>ed.
    /// </summary>
    public static VehicleCommand Send(
        List<VehicleCommand> commands, List<VehicleCommand> remembered, CommandRequest request, string id, DateTimeOffset now, CommandOptions options,
        string? provider = null) =>
        Existing(commands, remembered, request, now, options)
        ?? Accept(commands, remembered, Create(request, id, now, options, provider), now - options.IdempotencyWindow);

    /// <summary>The command <paramref name="request"/>'s idempotency key created within the window, or null (pure).</summary>
    public static VehicleCommand? Existing(
        List<VehicleCommand> commands, List<VehicleCommand> remembered, CommandRequest request, DateTimeOffset now, CommandOptions options) =>
        request.IdempotencyKey is { } key
        && (commands.FirstOrDefault(c => c.IdempotencyKey == key) ?? remembered.FirstOrDefault(c => c.IdempotencyKey == key)) is { } existing
        && existing.CreatedAt > now - options.IdempotencyWindow
            ? existing
            : null;

    /// <summary>A new command for <paramref name="request"/>, PENDING until its deadline (pure).</summary>
    public static VehicleCommand Create(CommandRequest request, string id, DateTimeOffset now, CommandOptions options, string? provider) =>
        new()
        {
            Id = id,
            Command = request.Command,
            ArgumentsJson = request.ArgumentsJson,
            Status = CommandStatus.PENDING,
            CreatedAt = now,
            UpdatedAt = now,
            Deadline = now + options.Timeout,
            IdempotencyKey = request.IdempotencyKey,
            Provider = provider,
            RequestFingerprint = request.Fingerprint(),
            History = [new CommandTransition(CommandStatus.PENDING, now, "accepted", Sources.Api)],
        };

    /// <summary>
    /// Puts a new <paramref name="command"/> first, superseding open ones of the same kind, the same way when it is sent
    /// and when its journal record is replayed. A command pruned from the newest <see cref="Retained"/> while its
    /// idempotency key still answers (created after <paramref name="rememberedSince"/>) moves to
    /// <paramref name="remembered"/>, kept with its id, status and times (not its arguments or history), so a late retry
    /// still answers it rather than sending it again.
    /// </summary>
    public static VehicleCommand Accept(List<VehicleCommand> commands, List<VehicleCommand> remembered, VehicleCommand command, DateTimeOffset rememberedSince)
    {
        remembered.RemoveAll(c => c.CreatedAt <= rememberedSince);
        for (var i = 0; i < commands.Count; i++)
        {
            if (commands[i].Command == command.Command && Awaited(commands[i]))
            {
                commands[i] = Transition(commands[i], CommandStatus.SUPERSEDED, command.CreatedAt, $"superseded by {command.Id}", Sources.FleetTwins);
            }
        }

        commands.Insert(0, command);
        while (commands.Count > Retained)
        {
            var oldestFinished = commands.FindLastIndex(c => c.IsFinal);
            var index = oldestFinished >= 0 ? oldestFinished : commands.Count - 1;
            var pruned = commands[index];
            commands.RemoveAt(index);
            if (pruned.IdempotencyKey is not null && pruned.CreatedAt > rememberedSince)
            {
                remembered.Insert(0, pruned with { ArgumentsJson = "{}", History = [.. pruned.History.TakeLast(1)] });
                if (remembered.Count > RememberedCapacity)
                {
                    remembered.RemoveAt(remembered.Count - 1);
                }
            }
        }

        return command;
    }

    /// <summary>
    /// A provider's report moves the command it is about: matched by the provider's command id first; without one known,
    /// by kind — the newest open command of that kind for that provider whose time window (sent, up to its deadline)
    /// holds the report. A report that matches none of ours is recorded as the provider's own command: visible, and
    /// moved by that provider's later reports, never crediting one of ours.
    /// </summary>
    public static void ApplyReport(List<VehicleCommand> commands, CommandStatusReported report, string source)
    {
        var index = report.ProviderCommandId is { } providerId
            ? commands.FindIndex(c => c.ProviderCommandId == providerId && (c.Provider ?? source) == source)
            : -1;
        if (index < 0)
        {
            index = commands.FindIndex(c => c.Command == report.Command && c.ProviderCommandId is null && Awaited(c)
                && (c.Provider ?? source) == source && c.CreatedAt <= report.At + ReportSkew && report.At <= c.Deadline);
        }

        if (index < 0)
        {
            RecordProviderOwn(commands, report, source);
            index = 0;
        }

        var command = commands[index] with { ProviderCommandId = commands[index].ProviderCommandId ?? report.ProviderCommandId };
        var to = report.Status.ToUpperInvariant() switch
        {
            "EXECUTED" or "SUCCESS" or "SUCCEEDED" => CommandStatus.EXECUTED,
            "CONFIRMED" => CommandStatus.CONFIRMED,
            "FAILED" or "ERROR" or "REJECTED" => CommandStatus.FAILED,
            _ => (CommandStatus?)null,
        };
        commands[index] = to is { } status ? Transition(command, status, report.At, report.Reason ?? $"{source} reported {report.Status}", source) : command;
    }

    /// <summary>
    /// A provider's own command, first seen in <paramref name="report"/>: its id is derived from the report (the same on
    /// a replay of the journal), it has no deadline of ours, and the oldest such go first beyond <see cref="ProviderOwnRetained"/>.
    /// </summary>
    private static void RecordProviderOwn(List<VehicleCommand> commands, CommandStatusReported report, string source)
    {
        var key = $"{source}|{report.ProviderCommandId ?? $"{report.Command}|{report.At.UtcTicks}"}";
        var id = "prv_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24];
        commands.Insert(0, new VehicleCommand
        {
            Id = id,
            Command = report.Command,
            Status = CommandStatus.PENDING,
            CreatedAt = report.At,
            UpdatedAt = report.At,
            Deadline = DateTimeOffset.MaxValue,
            Provider = source,
            ReportedBy = source,
            History = [new CommandTransition(CommandStatus.PENDING, report.At, $"reported by {source}: not sent through FleetTwins", source)],
        });
        var own = commands.FindAll(c => c.ReportedBy is not null);
        if (own.Count > ProviderOwnRetained)
        {
            commands.Remove(own[^1]);
        }
    }

    /// <summary>
    /// Records in the command's history that a channel took it (<c>dispatched</c>, the channel, the attempt); a
    /// provider command id the channel answered is what the provider's reports match it by from then on.
    /// </summary>
    public static VehicleCommand Dispatched(VehicleCommand command, string channel, int attempt, string? providerCommandId, DateTimeOffset at) =>
        command with
        {
            UpdatedAt = at,
            ProviderCommandId = command.ProviderCommandId ?? providerCommandId,
            History = [.. command.History, new CommandTransition(command.Status, at, "dispatched", Sources.FleetTwins) { Channel = channel, Attempt = attempt }],
        };

    /// <summary>Adds a note on the way (its status unchanged), e.g. <c>not dispatched: no dispatcher for volteras</c>.</summary>
    public static VehicleCommand Note(VehicleCommand command, string reason, DateTimeOffset at) =>
        command with { UpdatedAt = at, History = [.. command.History, new CommandTransition(command.Status, at, reason, Sources.FleetTwins)] };

    /// <summary>Whether <paramref name="command"/> is one of ours still waiting for an outcome (the reminder keeps watching it).</summary>
    public static bool Awaited(VehicleCommand command) => !command.IsFinal && command.ReportedBy is null;

    /// <summary>Confirms open commands whose effect the twin's own state now shows (read at or after the command was sent).</summary>
    public static void ConfirmFromState(List<VehicleCommand> commands, VehicleTwinState twin)
    {
        for (var i = 0; i < commands.Count; i++)
        {
            var command = commands[i];
            if (!command.IsFinal && Effect(command, twin) is { } evidence)
            {
                commands[i] = Transition(command, CommandStatus.CONFIRMED, evidence.At, evidence.Reason, evidence.Source);
            }
        }
    }

    /// <summary>Open commands of ours past their deadline become TIMED_OUT (a provider's own have none); answers whether any did.</summary>
    public static bool Expire(List<VehicleCommand> commands, DateTimeOffset now)
    {
        var changed = false;
        for (var i = 0; i < commands.Count; i++)
        {
            if (Awaited(commands[i]) && now >= commands[i].Deadline)
            {
                commands[i] = Transition(commands[i], CommandStatus.TIMED_OUT, now,
                    $"no outcome within {Within(commands[i].Deadline - commands[i].CreatedAt)}", Sources.FleetTwins);
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>A timeout in words: "10 minutes", "20 s".</summary>
    private static string Within(TimeSpan timeout) =>
        timeout >= TimeSpan.FromMinutes(1) ? $"{timeout.TotalMinutes:0.#} minutes" : $"{timeout.TotalSeconds:0.#} s";

    private static (DateTimeOffset At, string Reason, string Source)? Effect(VehicleCommand command, VehicleTwinState twin)
    {
        (DateTimeOffset At, string Reason, string Source)? Shown<T>(T? reading, Func<T, bool> shows, Func<T, DateTimeOffset> at, Func<T, string> source, string what)
            where T : class =>
            reading is not null && shows(reading) && at(reading) >= command.CreatedAt ? (at(reading), $"twin shows {what}", source(reading)) : null;

        var charging = twin.Charging;
        var details = twin.ChargingDetails;
        var lockState = twin.Status.GetValueOrDefault("central_lock");
        return command.Command switch
        {
            "START_CHARGING" => Shown(charging, c => c.State == "CHARGING", c => c.At, c => c.Source, "charging"),
            "STOP_CHARGING" => Shown(charging, c => c.State != "CHARGING", c => c.At, c => c.Source, $"charging state {charging?.State}"),
            "SET_CHARGE_LIMIT" => Argument(command, "limit", "targetSoc", "chargeLimit") is { } limit
                ? Shown(details, d => d.MaxStateOfCharge is { } max && Math.Abs(max - limit) < 0.5, d => d.At, d => d.Source, $"charge limit {limit}")
                : null,
            "LOCK_DOORS" => Shown(lockState, s => s.Value.Equals("LOCKED", StringComparison.OrdinalIgnoreCase), s => s.At, s => s.Source, "doors locked"),
            "UNLOCK_DOORS" => Shown(lockState, s => !s.Value.Equals("LOCKED", StringComparison.OrdinalIgnoreCase), s => s.At, s => s.Source, "doors unlocked"),
            "OPEN_CHARGE_PORT" => Shown(details, d => d.PortDoorOpen == true, d => d.At, d => d.Source, "charge port open"),
            _ => null,
        };
    }

    /// <summary>A numeric argument by any of its usual names.</summary>
    private static double? Argument(VehicleCommand command, params string[] names)
    {
        try
        {
            using var arguments = JsonDocument.Parse(command.ArgumentsJson);
            foreach (var name in names)
            {
                if (arguments.RootElement.TryGetProperty(name, out var value) && value.TryGetDouble(out var number))
                {
                    return number;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Validated at the API (stored before that was, an unpaired surrogate throws on reading): nothing to compare.
        }

        return null;
    }
}
