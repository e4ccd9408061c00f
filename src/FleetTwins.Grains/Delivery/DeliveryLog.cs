using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace FleetTwins.Grains.Delivery;

/// <summary>
/// The last deliveries a twin applied, persisted with its state, so that a redelivered message is recognised and
/// applied once. Bounded: the oldest are forgotten first. Each delivery id is kept as a 64-bit fingerprint
/// (XXH3 of its UTF-16 text) in a ring of at most <see cref="Capacity"/>: 2 KB per twin when full, read and written
/// as one array, where the ids themselves cost tens of bytes each plus a hash set to find them. Two different ids
/// share a fingerprint with a probability of about 2⁻⁶⁴ per pair.
/// </summary>
[GenerateSerializer, Alias("ft.grains.DeliveryLog")]
public sealed class DeliveryLog
{
    /// <summary>How many deliveries a twin remembers.</summary>
    public const int Capacity = 256;

    /// <summary>The delivery ids as state written before fingerprints has them; folded into the ring on first use.</summary>
    [Id(0)] public List<string>? Recent { get; set; }

    /// <summary>The ring of fingerprints: the first <see cref="Count"/> slots are used; it grows up to <see cref="Capacity"/>.</summary>
    [Id(1)] public ulong[] Fingerprints { get; set; } = [];

    [Id(2)] public int Count { get; set; }

    /// <summary>Once the ring is full, the slot of the oldest fingerprint: the next one to be overwritten.</summary>
    [Id(3)] public int Oldest { get; set; }

    public bool Contains(string deliveryId)
    {
        FoldLegacyIds();
        return Fingerprints.AsSpan(0, Count).Contains(Fingerprint(deliveryId));
    }

    public void Add(string deliveryId)
    {
        FoldLegacyIds();
        Remember(Fingerprint(deliveryId));
    }

    /// <summary>Remembers every delivery <paramref name="other"/> remembers (when two twins merge), oldest first.</summary>
    public void AddAll(DeliveryLog other)
    {
        FoldLegacyIds();
        other.FoldLegacyIds();
        for (var i = 0; i < other.Count; i++)
        {
            Remember(other.Fingerprints[(other.Oldest + i) % other.Count]);
        }
    }

    private void Remember(ulong fingerprint)
    {
        if (Fingerprints.AsSpan(0, Count).Contains(fingerprint))
        {
            return;
        }

        if (Count == Capacity)
        {
            Fingerprints[Oldest] = fingerprint;
            Oldest = (Oldest + 1) % Capacity;
            return;
        }

        if (Count == Fingerprints.Length)
        {
            var grown = new ulong[Math.Min(Capacity, Math.Max(8, Count * 2))];
            Fingerprints.AsSpan(0, Count).CopyTo(grown);
            Fingerprints = grown;
        }

        Fingerprints[Count++] = fingerprint;
    }

    private void FoldLegacyIds()
    {
        if (Recent is not { } ids)
        {
            return;
        }

        Recent = null;
        foreach (var id in ids)
        {
            Remember(Fingerprint(id));
        }
    }

    private static ulong Fingerprint(string deliveryId) =>
        XxHash3.HashToUInt64(MemoryMarshal.AsBytes(deliveryId.AsSpan()));
}
