using System.Text;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Options;
using FleetTwins.Sqlite.Journal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FleetTwins.Sqlite.Tests;

public sealed class SqliteTwinJournalTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 3, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Records_come_back_in_order_after_a_restart_exactly_as_written()
    {
        await using var file = new DataFile();
        var journal = new SqliteTwinJournal(file.Database);
        var at = Start.AddTicks(1234567); // sub-millisecond: replay runs with the recorded time, to the tick
        await Task.WhenAll(
            journal.AppendAsync(Entry("twin-a", 2, at.AddSeconds(1), "d2")),
            journal.AppendAsync(Entry("twin-a", 1, at, "d1")),
            journal.AppendAsync(Entry("twin-b", 1, at, null)));

        await file.ReopenAsync();
        var read = await new SqliteTwinJournal(file.Database).ReadAsync("twin-a", 0);
        Assert.Equal([1L, 2L], read.Select(e => e.Sequence));
        Assert.Equal(at, read[0].At);
        Assert.Equal("d1", read[0].DeliveryId);
        Assert.Equal(Record(1, "d1"), read[0].Record);
        Assert.Equal([2L], (await new SqliteTwinJournal(file.Database).ReadAsync("twin-a", 1)).Select(e => e.Sequence));
        Assert.Null((await new SqliteTwinJournal(file.Database).ReadAsync("twin-b", 0)).Single().DeliveryId);
    }

    [Fact]
    public async Task A_sequence_held_by_another_record_is_a_conflict_and_the_same_record_again_is_not()
    {
        await using var file = new DataFile();
        var journal = new SqliteTwinJournal(file.Database);
        await journal.AppendAsync(Entry("twin-a", 1, Start, "d1"));
        await journal.AppendAsync(Entry("twin-a", 1, Start, "d1"));
        await Assert.ThrowsAsync<JournalConflictException>(() => journal.AppendAsync(Entry("twin-a", 1, Start, "other")));
        Assert.Equal("d1", (await journal.ReadAsync("twin-a", 0)).Single().DeliveryId);
    }

    [Fact]
    public async Task A_conflict_fails_only_its_own_append_in_a_batch()
    {
        await using var file = new DataFile();
        var journal = new SqliteTwinJournal(file.Database);
        await journal.AppendAsync(Entry("twin-a", 1, Start, "d1"));
        var others = Enumerable.Range(0, 100).Select(n => journal.AppendAsync(Entry($"twin-{n}", 1, Start, $"x{n}"))).ToList();
        var conflict = journal.AppendAsync(Entry("twin-a", 1, Start, "d-other"));
        await Assert.ThrowsAsync<JournalConflictException>(() => conflict);
        await Task.WhenAll(others);
        Assert.Single(await journal.ReadAsync("twin-7", 0));
    }

    [Fact]
    public async Task Retention_deletes_old_covered_records_only()
    {
        await using var file = new DataFile();
        var clock = new FakeTimeProvider(Start);
        var journal = new SqliteTwinJournal(file.Database);
        for (var n = 1; n <= 5; n++)
        {
            await journal.AppendAsync(Entry("twin-a", n, Start.AddMinutes(n), $"a{n}"));
            await journal.AppendAsync(Entry("twin-b", n, Start.AddMinutes(n), $"b{n}"));
        }

        await journal.CoveredAsync("twin-a", 3);
        await journal.CoveredAsync("twin-a", 2); // never moves back
        clock.Advance(TimeSpan.FromDays(8));
        var options = new OptionsWrapper<JournalOptions>(new JournalOptions { Retention = TimeSpan.FromDays(7), DeleteBatchSize = 2 });
        var retention = new SqliteJournalRetention(file.Database, options, clock, NullLogger<SqliteJournalRetention>.Instance);

        Assert.Equal(3, await retention.TrimAsync(CancellationToken.None));
        Assert.Equal([4L, 5L], (await journal.ReadAsync("twin-a", 0)).Select(e => e.Sequence));
        Assert.Equal(5, (await journal.ReadAsync("twin-b", 0)).Count); // no snapshot covers them
    }

    [Fact]
    public async Task Retention_keeps_covered_records_younger_than_the_retention()
    {
        await using var file = new DataFile();
        var clock = new FakeTimeProvider(Start.AddDays(1));
        var journal = new SqliteTwinJournal(file.Database);
        await journal.AppendAsync(Entry("twin-a", 1, Start, "a1"));
        await journal.CoveredAsync("twin-a", 1);
        var options = new OptionsWrapper<JournalOptions>(new JournalOptions { Retention = TimeSpan.FromDays(7) });
        var retention = new SqliteJournalRetention(file.Database, options, clock, NullLogger<SqliteJournalRetention>.Instance);
        Assert.Equal(0, await retention.TrimAsync(CancellationToken.None));
        Assert.Single(await journal.ReadAsync("twin-a", 0));
    }

    private static JournalEntry Entry(string twin, long sequence, DateTimeOffset at, string? delivery) =>
        new(twin, sequence, at, delivery, Record(sequence, delivery));

    private static byte[] Record(long sequence, string? delivery) => Encoding.UTF8.GetBytes($"{sequence}:{delivery}");
}
