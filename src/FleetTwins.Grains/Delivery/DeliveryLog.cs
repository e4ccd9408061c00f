using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace FleetTwins.Grains.Delivery;

/// <summary>
/// The deliveries a twin applied, persisted with its state, so that a redelivered message is recognised and applied
/// once: always its last <see cref="Capacity"/>, and every one applied within <see cref="Window"/> of the newest, so
/// that a captured signed delivery replayed while its signature is still valid is a duplicate however many came
/// between (and, being stored with the state it changed, whichever silo or restart it meets). Bounded by
/// <see cref="MaxCount"/>: beyond it the oldest are forgotten first. Each delivery id is kept as a 64-bit fingerprint
/// (XXH3 of its UTF-16 text) in a ring, beside the Unix second it was applied at: 16 bytes a delivery, read and
/// written as two arrays. Two different ids share a fingerprint with a probability of about 2⁻⁶⁴ per pair.
/// </summary>
[GenerateSerializer, Alias("ft.grains.DeliveryLog")]
public sealed class DeliveryLog
{
    /// <summary>How many of its last deliveries a twin remembers, however old.</summary>
    public const int Capacity = 256;

    /// <summary>The most deliveries a twin remembers: a sustained 4.5 a second to one twin over a whole window.</summary>
    public const int MaxCount = 4096;

    /// <summary>
    /// How long a delivery is remembered after it was applied: a Svix signature holds for five minutes either side of
    /// its timestamp, so a replay can come up to ten minutes after the first receipt; five more for silos' clocks.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static readonly long WindowSeconds = (long)Window.TotalSeconds;

    /// <summary>The delivery ids as state written before fingerprints has them; folded into the ring on first use.</summary>
    [Id(0)] public List<string>? Recent { get; set; }

    /// <summary>The ring of fingerprints, oldest at <see cref="Oldest"/>: <see cref="Count"/> slots from there are used.</summary>
    [Id(1)] public ulong[] Fingerprints { get; set; } = [];

    [Id(2)] public int Count { get; set; }

    /// <summary>The slot of the oldest fingerprint: the next one to be forgotten.</summary>
    [Id(3)] public int Oldest { get; set; }

    /// <summary>
    /// The Unix second each slot's delivery was applied at, slot for slot with <see cref="Fingerprints"/>; null in
    /// state written before the window, whose deliveries count as older than any window (kept as the last ones only).
    /// </summary>
    [Id(4)] public long[]? AppliedAt { get; set; }

    public bool Contains(string deliveryId)
    {
        FoldLegacyIds();
        return Holds(Fingerprint(deliveryId));
    }

    /// <summary>Remembers a delivery applied at <paramref name="appliedAt"/>, and forgets those past the window beyond the last ones.</summary>
    public void Add(string deliveryId, DateTimeOffset appliedAt)
    {
        FoldLegacyIds();
        var second = appliedAt.ToUnixTimeSeconds();
        Remember(Fingerprint(deliveryId), second);
        Forget(olderThan: second - WindowSeconds);
    }

    /// <summary>Remembers every delivery <paramref name="other"/> remembers (when two twins merge), oldest first, each with its time.</summary>
    public void AddAll(DeliveryLog other)
    {
        FoldLegacyIds();
        other.FoldLegacyIds();
        var theirs = other.Times();
        for (var i = 0; i < other.Count; i++)
        {
            var slot = (other.Oldest + i) % other.Fingerprints.Length;
            Remember(other.Fingerprints[slot], theirs[slot]);
        }

        Forget(olderThan: Newest() - WindowSeconds);
    }

    private void Remember(ulong fingerprint, long second)
    {
        if (Holds(fingerprint))
        {
            return;
        }

        if (Count == MaxCount)
        {
            Drop();
        }
        else if (Count == Fingerprints.Length)
        {
            Resize(Math.Min(MaxCount, Math.Max(8, Count * 2)));
        }

        var slot = (Oldest + Count) % Fingerprints.Length;
        Fingerprints[slot] = fingerprint;
        Times()[slot] = second;
        Count++;
    }

    /// <summary>Forgets the oldest while they were applied before <paramref name="olderThan"/> and more than the last ones are kept.</summary>
    private void Forget(long olderThan)
    {
        var times = Times();
        while (Count > Capacity && times[Oldest] < olderThan)
        {
            Drop();
        }

        // After a burst the arrays go back to twice what is kept: state is written whole, free slots too.
        if (Fingerprints.Length > 2 * Capacity && Count <= Fingerprints.Length / 4)
        {
            Resize(2 * Count);
        }
    }

    private void Drop()
    {
        Oldest = (Oldest + 1) % Fingerprints.Length;
        Count--;
    }

    /// <summary>Copies the ring into arrays of <paramref name="length"/> slots, oldest first.</summary>
    private void Resize(int length)
    {
        var times = Times();
        var fingerprints = new ulong[length];
        var applied = new long[length];
        for (var i = 0; i < Count; i++)
        {
            var slot = (Oldest + i) % Fingerprints.Length;
            fingerprints[i] = Fingerprints[slot];
            applied[i] = times[slot];
        }

        (Fingerprints, AppliedAt, Oldest) = (fingerprints, applied, 0);
    }

    /// <summary>When the most recently applied delivery remembered was applied.</summary>
    private long Newest()
    {
        var times = Times();
        var newest = 0L;
        for (var i = 0; i < Count; i++)
        {
            newest = Math.Max(newest, times[(Oldest + i) % times.Length]);
        }

        return newest;
    }

    /// <summary>The slots' times; state written before the window gets them as 0, older than any window.</summary>
    private long[] Times()
    {
        if (AppliedAt is not { } times || times.Length != Fingerprints.Length)
        {
            AppliedAt = times = new long[Fingerprints.Length];
        }

        return times;
    }

    /// <summary>Whether the used slots hold <paramref name="fingerprint"/>: from the oldest to the end, then from the start.</summary>
    private bool Holds(ulong fingerprint)
    {
        var tail = Math.Min(Count, Fingerprints.Length - Oldest);
        return Fingerprints.AsSpan(Oldest, tail).Contains(fingerprint) || Fingerprints.AsSpan(0, Count - tail).Contains(fingerprint);
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
            Remember(Fingerprint(id), 0);
        }
    }

    private static ulong Fingerprint(string deliveryId) =>
        XxHash3.HashToUInt64(MemoryMarshal.AsBytes(deliveryId.AsSpan()));
}
