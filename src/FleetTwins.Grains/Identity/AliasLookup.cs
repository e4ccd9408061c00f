using BitFaster.Caching.Lru;
using FleetTwins.Abstractions.Identity;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Grains.Identity;

/// <summary>
/// Which twin an alias (<c>vin:...</c>, <c>imei:...</c>, <c>volteras:...</c>) belongs to: a silo-wide cache in front of
/// the alias grains, which are the authority. Used by ingestion (the router) and by the query side (resolve, gRPC,
/// the INVERS inbox); one per silo.
/// </summary>
public sealed class AliasLookup(IGrainFactory grains)
{
    /// <summary>Bounded: when full, the least recently used aliases make room.</summary>
    private const int CacheCapacity = 200_000;

    private readonly ConcurrentLru<string, string> cache = new(Environment.ProcessorCount, CacheCapacity, StringComparer.Ordinal);

    /// <summary>
    /// The twin <paramref name="alias"/> points at, or null when nobody has claimed it; from the cache unless
    /// <paramref name="fresh"/> (after a twin refused what the cache said).
    /// </summary>
    public async ValueTask<string?> FindAsync(string alias, bool fresh = false)
    {
        if (!fresh && cache.TryGet(alias, out var twinId))
        {
            return twinId;
        }

        twinId = await grains.GetGrain<IAliasGrain>(alias).GetTwinIdAsync();
        if (twinId is null)
        {
            Forget(alias);
        }
        else
        {
            Remember(alias, twinId);
        }

        return twinId;
    }

    /// <summary>
    /// The live twin known as <paramref name="alias"/>, or null: a cached answer is checked against the twin (which
    /// lists its aliases), and asked again of the alias grain when the alias moved or was unlinked meanwhile.
    /// </summary>
    public async Task<VehicleTwin?> ResolveTwinAsync(string alias)
    {
        var twin = await TwinAsync(alias, fresh: false);
        if (twin is null || !twin.Aliases.Contains(alias))
        {
            twin = await TwinAsync(alias, fresh: true);
        }

        return twin is not null && twin.Aliases.Contains(alias) ? twin : null;
    }

    private async Task<VehicleTwin?> TwinAsync(string alias, bool fresh) =>
        await FindAsync(alias, fresh) is { } twinId ? await grains.GetGrain<IVehicleTwinGrain>(twinId).GetAsync() : null;

    /// <summary>Records what an alias grain answered.</summary>
    public void Remember(string alias, string twinId) => cache.AddOrUpdate(alias, twinId);

    /// <summary>Drops a cached answer that turned out to be stale (the alias moved or was unlinked).</summary>
    public void Forget(string alias) => cache.TryRemove(alias);
}
