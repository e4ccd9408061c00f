using System.Collections.Concurrent;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Options;
using Microsoft.Extensions.Options;

namespace FleetTwins.Persistence.Journal;

/// <summary>
/// The twins' snapshot archive kept in this process, beside <see cref="InProcessTwinJournal"/>: per twin its snapshots by
/// version. Snapshots older than the journal's retention go, except the newest of them (the base the oldest kept
/// journal records replay onto).
/// </summary>
public sealed class InProcessTwinSnapshotArchive(IOptions<JournalOptions> options, TimeProvider clock) : ITwinSnapshotArchive
{
    private readonly ConcurrentDictionary<string, SortedList<long, ArchivedSnapshot>> archives = new(StringComparer.Ordinal);

    public Task ArchiveAsync(ArchivedSnapshot snapshot)
    {
        var archive = archives.GetOrAdd(snapshot.TwinId, _ => []);
        lock (archive)
        {
            archive.TryAdd(snapshot.Version, snapshot);
            var before = clock.GetUtcNow() - options.Value.Retention;
            while (archive.Count > 1 && archive.Values[1].At < before)
            {
                archive.RemoveAt(0);
            }
        }

        return Task.CompletedTask;
    }

    public Task<ArchivedSnapshot?> FindAsync(string twinId, DateTimeOffset? at)
    {
        if (!archives.TryGetValue(twinId, out var archive))
        {
            return Task.FromResult<ArchivedSnapshot?>(null);
        }

        lock (archive)
        {
            var found = at is not { } moment
                ? archive.Values.FirstOrDefault()
                : archive.Values.LastOrDefault(s => s.At <= moment);
            return Task.FromResult(found);
        }
    }
}
