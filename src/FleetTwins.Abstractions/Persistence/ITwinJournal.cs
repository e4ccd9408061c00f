namespace FleetTwins.Abstractions.Persistence;

/// <summary>
/// One record of a twin's journal: what one change did (a delivery applied, notifications handed on), serialized by
/// the twin, at its sequence number (1, 2, 3, ... per twin, never two records at one number).
/// </summary>
public sealed record JournalEntry(string TwinId, long Sequence, DateTimeOffset At, string? DeliveryId, byte[] Record);

/// <summary>
/// Where twins persist their changes: an append-only journal per twin, group-committed with the other twins' records.
/// The twin's whole state is kept in snapshots (its grain storage) now and then; activation reads the newest
/// snapshot and replays the journal after it. Implemented by the persistence packages (in process, PostgreSQL, SQLite).
/// </summary>
public interface ITwinJournal
{
    /// <summary>
    /// Appends the entry; completes once it is durable (committed with whatever else was appended meanwhile). A
    /// sequence number already taken by another record fails with <see cref="JournalConflictException"/>.
    /// </summary>
    Task AppendAsync(JournalEntry entry);

    /// <summary>The twin's entries after <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadAsync(string twinId, long afterSequence);

    /// <summary>
    /// The twin's snapshot now holds every entry up to <paramref name="sequence"/>: they may be deleted once older than
    /// the retention. Never earlier: the journal stays the truth for what no snapshot covers.
    /// </summary>
    Task CoveredAsync(string twinId, long sequence);
}

/// <summary>Another record holds the sequence number: a second activation of the twin wrote it. The twin reloads.</summary>
public sealed class JournalConflictException(string message) : Exception(message);
