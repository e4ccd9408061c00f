using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Journal;
using FleetTwins.Persistence.Options;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FleetTwins.Persistence.Tests;

public sealed class InProcessTwinJournalTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider clock = new(T0);

    private InProcessTwinJournal Journal() => new(new OptionsWrapper<JournalOptions>(new JournalOptions { Retention = TimeSpan.FromDays(7) }), clock);

    private static JournalEntry Entry(long sequence, DateTimeOffset at, string twin = "car-1") => new(twin, sequence, at, $"d-{sequence}", [(byte)sequence]);

    [Fact]
    public async Task Records_read_back_in_order_after_a_sequence_and_per_twin()
    {
        var journal = Journal();
        await journal.AppendAsync(Entry(1, T0));
        await journal.AppendAsync(Entry(1, T0, "car-2"));
        await journal.AppendAsync(Entry(2, T0));
        await journal.AppendAsync(Entry(3, T0));

        Assert.Equal([2L, 3L], (await journal.ReadAsync("car-1", 1)).Select(e => e.Sequence));
        Assert.Single(await journal.ReadAsync("car-2", 0));
        Assert.Empty(await journal.ReadAsync("nobody", 0));
    }

    [Fact]
    public async Task A_sequence_taken_by_another_record_is_a_conflict_and_the_same_record_again_is_not()
    {
        var journal = Journal();
        await journal.AppendAsync(Entry(1, T0));

        await journal.AppendAsync(Entry(1, T0));
        await Assert.ThrowsAsync<JournalConflictException>(() => journal.AppendAsync(Entry(1, T0) with { DeliveryId = "another" }));
        Assert.Single(await journal.ReadAsync("car-1", 0));
    }

    [Fact]
    public async Task Retention_takes_only_records_a_snapshot_covers_and_older_than_the_retention()
    {
        var journal = Journal();
        for (var i = 1; i <= 6; i++)
        {
            await journal.AppendAsync(Entry(i, T0.AddDays(i)));
        }

        clock.Advance(TimeSpan.FromDays(11)); // records 1..4 are older than seven days now

        await journal.CoveredAsync("car-1", 3);

        Assert.Equal([4L, 5L, 6L], (await journal.ReadAsync("car-1", 0)).Select(e => e.Sequence));
        await journal.CoveredAsync("car-1", 6);
        Assert.Equal([4L, 5L, 6L], (await journal.ReadAsync("car-1", 0)).Select(e => e.Sequence)); // covered, but recent
        clock.Advance(TimeSpan.FromDays(2));
        await journal.CoveredAsync("car-1", 6);
        Assert.Equal([6L], (await journal.ReadAsync("car-1", 0)).Select(e => e.Sequence));
    }
}
