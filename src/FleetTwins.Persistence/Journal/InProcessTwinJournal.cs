using System.Collections.Concurrent;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Options;
using Microsoft.Extensions.Options;

namespace FleetTwins.Persistence.Journal;

/// <summary>
/// The twins' journal kept in this process (tests, and an embedded profile that keeps nothing across a restart): per
/// twin a list of records in sequence order, with the same rules as durable journals — a sequence number taken by
/// another record is a conflict, covered records older than the retention go.
/// </summary>
public sealed class InProcessTwinJournal(IOptions<JournalOptions> options, TimeProvider clock) : ITwinJournal
{
    private readonly ConcurrentDictionary<string, List<JournalEntry>> journals = new(StringComparer.Ordinal);

    public Task AppendAsync(JournalEntry entry)
    {
        var journal = journals.GetOrAdd(entry.TwinId, _ => []);
        lock (journal)
        {
            // A twin appends in sequence order: only an entry at or below the newest can meet a taken number.
            if (journal.Count > 0 && entry.Sequence <= journal[^1].Sequence && journal.Find(e => e.Sequence == entry.Sequence) is { } taken)
            {
                return taken.DeliveryId == entry.DeliveryId && taken.Record.AsSpan().SequenceEqual(entry.Record)
                    ? Task.CompletedTask // the same record again: a retried append
                    : throw new JournalConflictException($"{entry.TwinId} has a record at {entry.Sequence} already");
            }

            journal.Add(entry);
            if (journal.Count > 1 && journal[^2].Sequence > entry.Sequence)
            {
                journal.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(string twinId, long afterSequence)
    {
        if (!journals.TryGetValue(twinId, out var journal))
        {
            return Task.FromResult<IReadOnlyList<JournalEntry>>([]);
        }

        lock (journal)
        {
            return Task.FromResult<IReadOnlyList<JournalEntry>>([.. journal.Where(e => e.Sequence > afterSequence)]);
        }
    }

    public Task CoveredAsync(string twinId, long sequence)
    {
        if (journals.TryGetValue(twinId, out var journal))
        {
            var before = clock.GetUtcNow() - options.Value.Retention;
            lock (journal)
            {
                journal.RemoveAll(e => e.Sequence <= sequence && e.At < before);
            }
        }

        return Task.CompletedTask;
    }
}
