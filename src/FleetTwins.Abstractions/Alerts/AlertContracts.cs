using FleetTwins.Abstractions.Events;

namespace FleetTwins.Abstractions.Alerts;

/// <summary>A canonical fact about a custom alert.</summary>
[GenerateSerializer, Alias("ft.AlertEvent")]
public abstract record AlertEvent : TwinEvent;

/// <summary>The whole alert as the provider last described it (status, severity, muting, resolutions).</summary>
[GenerateSerializer, Immutable, Alias("ft.AlertUpdated")]
public sealed record AlertUpdated(
    [property: Id(0)] string Status,
    [property: Id(1)] string? Severity,
    [property: Id(2)] bool Muted,
    [property: Id(3)] string? AlertDefinitionId,
    [property: Id(4)] string? Vin,
    [property: Id(5)] string? DeviceId,
    [property: Id(6)] DateTimeOffset? CreatedAt,
    [property: Id(7)] AlertDefinition? Definition,
    [property: Id(8)] IReadOnlyList<AlertResolution> Resolutions) : AlertEvent;

/// <summary>What kind of alert it is.</summary>
[GenerateSerializer, Immutable, Alias("ft.AlertDefinition")]
public sealed record AlertDefinition(
    [property: Id(0)] string? Id,
    [property: Id(1)] string? Name,
    [property: Id(2)] string? Description,
    [property: Id(3)] string? Message,
    [property: Id(4)] string? Category);

/// <summary>A way to resolve the alert, with its steps.</summary>
[GenerateSerializer, Immutable, Alias("ft.AlertResolution")]
public sealed record AlertResolution(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Name,
    [property: Id(2)] string? Description,
    [property: Id(3)] string Status,
    [property: Id(4)] IReadOnlyList<AlertResolutionStep> Steps);

/// <summary>One step of a resolution.</summary>
[GenerateSerializer, Immutable, Alias("ft.AlertResolutionStep")]
public sealed record AlertResolutionStep(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Description,
    [property: Id(2)] int? Order,
    [property: Id(3)] string Status);

/// <summary>A snapshot of one alert twin.</summary>
[GenerateSerializer, Immutable, Alias("ft.AlertTwin")]
public sealed record AlertTwin : IVersionedTwin
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Status { get; init; }
    [Id(2)] public string? Severity { get; init; }
    [Id(3)] public bool Muted { get; init; }
    [Id(4)] public string? AlertDefinitionId { get; init; }
    [Id(5)] public string? Vin { get; init; }
    [Id(6)] public string? DeviceId { get; init; }
    [Id(7)] public string? VehicleId { get; init; }
    [Id(8)] public DateTimeOffset? CreatedAt { get; init; }
    [Id(9)] public AlertDefinition? Definition { get; init; }
    [Id(10)] public IReadOnlyList<AlertResolution> Resolutions { get; init; } = [];
    [Id(11)] public required DateTimeOffset At { get; init; }
    [Id(12)] public required string Source { get; init; }
    [Id(13)] public long Version { get; init; }
}

/// <summary>The twin of one custom alert, keyed by the provider's alert id.</summary>
[Alias("ft.IAlertGrain")]
public interface IAlertGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<AlertTwin?> GetAsync();

    /// <summary>Applies a delivery; <paramref name="vehicleId"/> is the twin the alert is about, when resolved.</summary>
    [Alias("Apply")]
    Task<ApplyOutcome> ApplyAsync(TwinEventBatch<AlertEvent> batch, string? vehicleId);
}
