using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;

namespace FleetTwins.Abstractions.Chargers;

/// <summary>A canonical fact about a charger.</summary>
[GenerateSerializer, Alias("ft.ChargerEvent")]
public abstract record ChargerEvent : TwinEvent;

/// <summary>A provider's outcome of a start/stop command on the charger.</summary>
[GenerateSerializer, Immutable, Alias("ft.ChargerCommandReported")]
public sealed record ChargerCommandReported(
    [property: Id(0)] string Action,
    [property: Id(1)] string? Code,
    [property: Id(2)] bool Success,
    [property: Id(3)] string? Message,
    [property: Id(4)] string? JobId) : ChargerEvent;

/// <summary>A snapshot of one charger twin.</summary>
[GenerateSerializer, Immutable, Alias("ft.ChargerTwin")]
public sealed record ChargerTwin : IVersionedTwin
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public IReadOnlyList<string> Aliases { get; init; } = [];
    [Id(2)] public ChargerCommandReport? LastCommand { get; init; }
    [Id(3)] public IReadOnlyList<ChargerCommandReport> Commands { get; init; } = [];
    [Id(4)] public DateTimeOffset? LastSeenAt { get; init; }
    [Id(5)] public DateTimeOffset CreatedAt { get; init; }
    [Id(6)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(7)] public long Version { get; init; }
}

/// <summary>One command outcome on a charger.</summary>
[GenerateSerializer, Immutable, Alias("ft.ChargerCommandReport")]
public sealed record ChargerCommandReport(
    [property: Id(0)] string Action,
    [property: Id(1)] string? Code,
    [property: Id(2)] bool Success,
    [property: Id(3)] string? Message,
    [property: Id(4)] string? JobId,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] string Source);

/// <summary>The twin of one charger, keyed by <c>provider:id</c>.</summary>
[Alias("ft.IChargerGrain")]
public interface IChargerGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<ChargerTwin?> GetAsync();

    [Alias("Apply")]
    Task<ApplyOutcome> ApplyAsync(TwinEventBatch<ChargerEvent> batch);

    /// <summary>Records a command as PENDING (or answers the one with the same idempotency key); null when no charger twin exists.</summary>
    [Alias("SendCommand")]
    Task<VehicleCommand?> SendCommandAsync(CommandRequest request);

    /// <summary>The charger's commands, newest first.</summary>
    [Alias("GetCommands")]
    Task<IReadOnlyList<VehicleCommand>> GetCommandsAsync();
}
