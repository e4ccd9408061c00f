namespace FleetTwins.Abstractions.Commands;

/// <summary>Where a command is in its lifecycle: PENDING → EXECUTED → CONFIRMED, or FAILED, TIMED_OUT, SUPERSEDED.</summary>
[GenerateSerializer]
public enum CommandStatus
{
    PENDING,
    EXECUTED,
    CONFIRMED,
    FAILED,
    TIMED_OUT,
    SUPERSEDED,
}

/// <summary>One step of a command's history.</summary>
[GenerateSerializer, Immutable, Alias("ft.CommandTransition")]
public sealed record CommandTransition(
    [property: Id(0)] CommandStatus Status,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string? Reason,
    [property: Id(3)] string Source);

/// <summary>A command sent to a vehicle, with its whole history.</summary>
[GenerateSerializer, Immutable, Alias("ft.VehicleCommand")]
public sealed record VehicleCommand
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Command { get; init; }

    /// <summary>The caller's arguments as a JSON object text (e.g. <c>{"limit": 80}</c>).</summary>
    [Id(2)] public string ArgumentsJson { get; init; } = "{}";
    [Id(3)] public CommandStatus Status { get; init; }
    [Id(4)] public DateTimeOffset CreatedAt { get; init; }
    [Id(5)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(6)] public DateTimeOffset Deadline { get; init; }
    [Id(7)] public string? IdempotencyKey { get; init; }
    [Id(8)] public string? ProviderCommandId { get; init; }
    [Id(9)] public IReadOnlyList<CommandTransition> History { get; init; } = [];

    /// <summary>CONFIRMED, FAILED, TIMED_OUT and SUPERSEDED are final: nothing moves a command on from them.</summary>
    public bool IsFinal => Status is CommandStatus.CONFIRMED or CommandStatus.FAILED or CommandStatus.TIMED_OUT or CommandStatus.SUPERSEDED;
}

/// <summary>What a caller asks for: the command (an open set, upper snake case), its arguments, an idempotency key.</summary>
[GenerateSerializer, Immutable, Alias("ft.CommandRequest")]
public sealed record CommandRequest(
    [property: Id(0)] string Command,
    [property: Id(1)] string ArgumentsJson,
    [property: Id(2)] string? IdempotencyKey);
