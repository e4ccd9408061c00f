using System.Collections.Concurrent;
using FleetTwins.Abstractions.Identity;

namespace FleetTwins.Grains.Identity;

/// <summary>
/// Which twin an alias (<c>vin:...</c>, <c>imei:...</c>, <c>volteras:...</c>) belongs to: a silo-wide cache in front of
/// the alias grains, which are the authority. Used by ingestion (the router) and by the query side (resolve, gRPC,
/// the INVERS inbox); one per silo.
/// </summary>
public sealed class AliasLookup(IGrainFactory grains)
{
    /// <summary>Bounded: when full, the cache starts over rather than tracking recency on every hit.</summary>
    private const int CacheCapacity = 200_000;

    private readonly ConcurrentDictionary<string, string> cache = new(StringComparer.Ordinal);

    /// <summary>The twin <paramref name="alias"/> points at, or null when nobody has claimed it.</summary>
    public async ValueTask<string?> FindAsync(string alias)
    {
        if (cache.TryGetValue(alias, out var twinId))
        {
            return twinId;
        }

        twinId = await grains.GetGrain<IAliasGrain>(alias).GetTwinIdAsync();
        if (twinId is not null)
        {
            Remember(alias, twinId);
        }

        return twinId;
    }

    /// <summary>Records what an alias grain answered.</summary>
    public void Remember(string alias, string twinId)
    {
        if (cache.Count >= CacheCapacity)
        {
            cache.Clear();
        }

        cache[alias] = twinId;
    }

    /// <summary>Drops a cached answer that turned out to be stale (the alias moved or was unlinked).</summary>
    public void Forget(string alias) => cache.TryRemove(alias, out _);
}
