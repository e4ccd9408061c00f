using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.RateLimits;
using FleetTwins.Grains.Delivery;

namespace FleetTwins.Grains.RateLimits;

/// <summary>The persisted rate limits of one object.</summary>
[GenerateSerializer, Alias("ft.grains.RateLimitStore")]
public sealed class RateLimitStore
{
    [Id(0)] public string? Domain { get; set; }
    [Id(1)] public string? ObjectId { get; set; }
    [Id(2)] public Dictionary<string, RateLimitState> Limits { get; set; } = [];
    [Id(3)] public long Version { get; set; }
    [Id(4)] public DeliveryLog Deliveries { get; set; } = new();

    /// <summary>Applies one delivery (pure); per limit key, an older report never replaces a newer one.</summary>
    public void Apply(TwinEventBatch<RateLimitUpdated> batch, string domain, string objectId)
    {
        Domain = domain;
        ObjectId = objectId;
        foreach (var update in batch.Events)
        {
            if (!Limits.TryGetValue(update.Key, out var previous) || update.At >= previous.At)
            {
                Limits[update.Key] = new RateLimitState(update.Key, update.Remaining, update.Max, update.WindowSeconds, update.At, batch.Source);
            }
        }

        Version++;
    }
}

/// <summary>Rate-limit state per (object, key).</summary>
[GrainType("ratelimit")]
public sealed class RateLimitGrain([PersistentState("ratelimit", StorageNames.Twins)] IPersistentState<RateLimitStore> store, TimeProvider clock)
    : Grain, IRateLimitGrain
{
    public Task<RateLimitTwin?> GetAsync() => Task.FromResult(store.State.Domain is null ? null : new RateLimitTwin
    {
        Id = this.GetPrimaryKeyString(),
        Domain = store.State.Domain,
        ObjectId = store.State.ObjectId!,
        Limits = new Dictionary<string, RateLimitState>(store.State.Limits),
        Version = store.State.Version,
    });

    public Task<ApplyOutcome> ApplyAsync(TwinEventBatch<RateLimitUpdated> batch, string domain, string objectId) =>
        store.ApplyOnceAsync(this, store.State.Deliveries, batch.DeliveryId, clock.GetUtcNow(), () => store.State.Apply(batch, domain, objectId));
}
