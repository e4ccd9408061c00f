using System.Collections.Concurrent;
using FleetTwins.Abstractions.Persistence;

namespace FleetTwins.Grains.Tests;

/// <summary>The twins' snapshot archive, counting what each twin archived (rows and bytes) on the way through.</summary>
public sealed class CountingSnapshotArchive(ITwinSnapshotArchive inner) : ITwinSnapshotArchive
{
    private readonly ConcurrentDictionary<string, (int Rows, long Bytes)> archived = new(StringComparer.Ordinal);

    /// <summary>The snapshots <paramref name="twinId"/> archived so far, and their bytes.</summary>
    public (int Rows, long Bytes) Of(string twinId) => archived.GetValueOrDefault(twinId);

    public Task ArchiveAsync(ArchivedSnapshot snapshot)
    {
        archived.AddOrUpdate(snapshot.TwinId, (1, snapshot.State.Length), (_, was) => (was.Rows + 1, was.Bytes + snapshot.State.Length));
        return inner.ArchiveAsync(snapshot);
    }

    public Task<ArchivedSnapshot?> FindAsync(string twinId, DateTimeOffset? at) => inner.FindAsync(twinId, at);
}
