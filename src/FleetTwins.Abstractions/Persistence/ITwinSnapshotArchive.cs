namespace FleetTwins.Abstractions.Persistence;

/// <summary>
/// One snapshot of a twin's whole state as it was written to grain storage: at <see cref="Version"/>, holding the
/// journal up to <see cref="Sequence"/>, taken at <see cref="At"/> (the state's last change).
/// </summary>
public sealed record ArchivedSnapshot(string TwinId, long Version, long Sequence, DateTimeOffset At, byte[] State);

/// <summary>
/// Every snapshot a twin wrote, kept within the journal's retention: the base the history read path replays the journal
/// from (<c>?asOf=</c>: the newest snapshot at or before a moment, then the journal up to it). Grain storage keeps only
/// the newest snapshot; this keeps the older ones. Implemented by the persistence packages (in process, PostgreSQL, SQLite).
/// </summary>
public interface ITwinSnapshotArchive
{
    /// <summary>Keeps the snapshot; the same (twin, version) again is a retried write and changes nothing.</summary>
    Task ArchiveAsync(ArchivedSnapshot snapshot);

    /// <summary>
    /// The newest snapshot of the twin taken at or before <paramref name="at"/>; with null, the oldest one kept (the
    /// base a full replay of the retained journal starts from). Null when there is none.
    /// </summary>
    Task<ArchivedSnapshot?> FindAsync(string twinId, DateTimeOffset? at);
}
