using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace FleetTwins.Signatures;

/// <summary>
/// The signed message ids (<c>svix-id</c>) this silo answered, per provider, for as long as their signature stays
/// valid (signed time + tolerance): a retry or replay this silo answered is recognised here, whatever path it is posted
/// to, without a call to its twins. Only a shortcut: what makes a replay a duplicate across restarts and silos is each
/// twin's own log, stored with its state, which keeps every delivery of the same window. Ids are kept as 64-bit
/// fingerprints in one set per minute of expiry; whole minutes are dropped once past. Bounded by
/// <paramref name="capacity"/>: beyond it the soonest-expiring minute goes early (the twins' logs still apply).
/// </summary>
public sealed class RecentMessageIds(TimeProvider clock, TimeSpan tolerance, int capacity = 1_000_000)
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<long, HashSet<ulong>> byExpiryMinute = [];
    private int count;

    /// <summary>The ids a silo remembers for the Svix tolerance (five minutes either way).</summary>
    public RecentMessageIds(TimeProvider clock)
        : this(clock, SvixVerifier.DefaultTolerance)
    {
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return count;
            }
        }
    }

    /// <summary>Whether <paramref name="messageId"/> of <paramref name="provider"/> was answered while its signature is still valid.</summary>
    public bool Contains(string provider, string messageId)
    {
        var fingerprint = Fingerprint(provider, messageId);
        lock (gate)
        {
            DropExpired();
            foreach (var minute in byExpiryMinute.Values)
            {
                if (minute.Contains(fingerprint))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Remembers an answered delivery until its signature, made at <paramref name="signedAt"/>, expires.</summary>
    public void Remember(string provider, string messageId, DateTimeOffset signedAt)
    {
        var expiry = Minute(signedAt + tolerance) + 1;
        var fingerprint = Fingerprint(provider, messageId);
        lock (gate)
        {
            DropExpired();
            if (!byExpiryMinute.TryGetValue(expiry, out var minute))
            {
                byExpiryMinute[expiry] = minute = [];
            }

            if (minute.Add(fingerprint) && ++count > capacity)
            {
                var soonest = byExpiryMinute.First();
                count -= soonest.Value.Count;
                byExpiryMinute.Remove(soonest.Key);
            }
        }
    }

    private void DropExpired()
    {
        var now = Minute(clock.GetUtcNow());
        while (byExpiryMinute.Count > 0 && byExpiryMinute.First() is var (minute, ids) && minute <= now)
        {
            count -= ids.Count;
            byExpiryMinute.Remove(minute);
        }
    }

    private static long Minute(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    private static ulong Fingerprint(string provider, string messageId) =>
        XxHash3.HashToUInt64(MemoryMarshal.AsBytes($"{provider}\n{messageId}".AsSpan()));
}
