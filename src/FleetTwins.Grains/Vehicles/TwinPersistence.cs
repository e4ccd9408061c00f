using FleetTwins.Abstractions.Persistence;
using FleetTwins.Grains.Options;
using Orleans.Serialization;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// How a vehicle twin persists (docs/ARCHITECTURE.md, Persistence): each change appended as a small record to its
/// journal (<see cref="ITwinJournal"/>, group-committed with other twins' records; the twin answers only after the
/// commit), the whole state written as a snapshot to its grain storage now and then, off the path of the answer.
/// Activation reads the snapshot and replays the journal after it. The snapshot carries the journal sequence it holds.
/// Each snapshot written is also kept in the snapshot archive, when the profile has one: the base history replays from.
/// </summary>
internal sealed class TwinPersistence(string twinId, IPersistentState<VehicleTwinState> snapshot, ITwinJournal journal,
    Serializer serializer, SnapshotOptions options, ITwinSnapshotArchive? archive = null)
{
    /// <summary>The journal sequence the stored snapshot holds.</summary>
    private long snapshotted = snapshot.State.JournalSequence;

    /// <summary>The sequence retention was last told is covered by a snapshot.</summary>
    private long covered = snapshot.State.JournalSequence;

    /// <summary>The version last archived (a snapshot of an unchanged state is not archived again).</summary>
    private long archived;

    private VehicleTwinState State => snapshot.State;

    /// <summary>Changes in the journal that no stored snapshot holds yet.</summary>
    public long Unsnapshotted => State.JournalSequence - snapshotted;

    /// <summary>Whether enough changes piled up to write a snapshot now rather than after the interval.</summary>
    public bool SnapshotDue => Unsnapshotted >= options.SnapshotEvery;

    /// <summary>
    /// Replays the journal after the snapshot (activation); answers how many changes it made again. A twin with no
    /// snapshot has no journal either (its first record is always written after a snapshot): nothing to read. A
    /// snapshot written ahead of its record carries it: journaled here when the journal's write did not happen.
    /// </summary>
    public async Task<int> RecoverAsync(NotificationOptions rules)
    {
        if (!snapshot.RecordExists)
        {
            return 0;
        }

        var pending = State.Unjournaled;
        IEnumerable<JournalEntry> entries = await journal.ReadAsync(twinId, (pending?.Sequence - 1) ?? State.JournalSequence);
        if (pending is not null)
        {
            if (entries.FirstOrDefault()?.Sequence == pending.Sequence)
            {
                entries = entries.Skip(1);
            }
            else
            {
                await journal.AppendAsync(pending.ToEntry(twinId));
            }

            State.Unjournaled = null;
        }

        var replayed = 0;
        foreach (var entry in entries)
        {
            State.Replay(twinId, serializer.Deserialize<TwinChange>(entry.Record)!, rules);
            State.JournalSequence = entry.Sequence;
            replayed++;
        }

        return replayed;
    }

    /// <summary>
    /// Journals a change the state already holds, at the next sequence; with <paramref name="snapshotFirst"/> (the
    /// change also moved identities, which the journal record does not carry), and for a twin's first record, the
    /// snapshot is written before it, carrying the record (<see cref="UnjournaledRecord"/>): the two writes are not
    /// one transaction, and a failure between them must not leave a change without its record.
    /// </summary>
    public async Task AppendAsync(TwinChange change, string? deliveryId, DateTimeOffset at, bool snapshotFirst = false)
    {
        State.JournalSequence++;
        var entry = new JournalEntry(twinId, State.JournalSequence, at, deliveryId, serializer.SerializeToArray(change));
        if (snapshotFirst || !snapshot.RecordExists)
        {
            State.Unjournaled = new UnjournaledRecord(entry.Sequence, at, deliveryId, entry.Record);
            try
            {
                await SnapshotAsync();
            }
            finally
            {
                State.Unjournaled = null;
            }
        }

        await journal.AppendAsync(entry);
    }

    /// <summary>Writes the whole state now (a rare change that is not journaled, a merge, the background, deactivation).</summary>
    public async Task SnapshotAsync()
    {
        var sequence = State.JournalSequence;
        var version = State.Version;
        var carriesItsRecord = State.Unjournaled is not null;
        await snapshot.WriteStateAsync();
        // A snapshot that carries its last record does not cover it: retention keeps that record, which the next
        // activation looks for, until a later snapshot covers it.
        snapshotted = Math.Max(snapshotted, carriesItsRecord ? sequence - 1 : sequence);
        if (archive is not null && version > archived)
        {
            // After the stored snapshot: the archive never holds a state storage does not.
            await archive.ArchiveAsync(new ArchivedSnapshot(twinId, version, sequence, State.UpdatedAt, serializer.SerializeToArray(State)));
            archived = version;
        }
    }

    /// <summary>Tells retention what the stored snapshot covers, when that moved on.</summary>
    public async Task ReportCoveredAsync()
    {
        if (snapshotted > covered)
        {
            await journal.CoveredAsync(twinId, snapshotted);
            covered = snapshotted;
        }
    }
}
