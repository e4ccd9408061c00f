using FleetTwins.Abstractions.Events;

namespace FleetTwins.Abstractions.RateLimits;

/// <summary>A provider's report of how much of a rate limit is left.</summary>
[GenerateSerializer, Immutable, Alias("ft.RateLimitUpdated")]
public sealed record RateLimitUpdated(
    [property: Id(0)] string Key,
    [property: Id(1)] int Remaining,
    [property: Id(2)] int Max,
    [property: Id(3)] int WindowSeconds) : TwinEvent;

/// <summary>The latest state of one rate limit.</summary>
[GenerateSerializer, Immutable, Alias("ft.RateLimitState")]
public sealed record RateLimitState(
    [property: Id(0)] string Key,
    [property: Id(1)] int Remaining,
    [property: Id(2)] int Max,
    [property: Id(3)] int WindowSeconds,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string Source);

/// <summary>The rate limits a provider applies to one object (e.g. a vehicle), keyed by limit name.</summary>
[GenerateSerializer, Immutable, Alias("ft.RateLimitTwin")]
public sealed record RateLimitTwin : IVersionedTwin
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Domain { get; init; }
    [Id(2)] public required string ObjectId { get; init; }
    [Id(3)] public IReadOnlyDictionary<string, RateLimitState> Limits { get; init; } = new Dictionary<string, RateLimitState>();
    [Id(4)] public long Version { get; init; }
}

/// <summary>Rate-limit state per (object, key), keyed by <c>provider:DOMAIN:objectId</c>.</summary>
[Alias("ft.IRateLimitGrain")]
public interface IRateLimitGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<RateLimitTwin?> GetAsync();

    [Alias("Apply")]
    Task<ApplyOutcome> ApplyAsync(TwinEventBatch<RateLimitUpdated> batch, string domain, string objectId);
}
