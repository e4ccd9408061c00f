using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Options;
using FleetTwins.Postgres.Journal;
using FleetTwins.Postgres.Options;
using FleetTwins.Postgres.Schema;
using FleetTwins.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using static Microsoft.Extensions.Options.Options;

namespace FleetTwins.Postgres.Tests;

/// <summary>The twins' journal on a real PostgreSQL with the schema of deploy/sql.</summary>
public sealed class PostgresTwinJournalTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private PostgresDatabase database = null!;
    private PostgresTwinJournal journal = null!;

    public async ValueTask InitializeAsync()
    {
        database = await PostgresDatabase.CreateAsync();
        await new SchemaMigrator(database.DataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Migration.Embedded);
        journal = new PostgresTwinJournal(database.DataSource, Create(new ClusterOptions { ServiceId = "test" }), new PostgresJournalOptions());
    }

    public async ValueTask DisposeAsync()
    {
        await journal.DisposeAsync();
        await database.DisposeAsync();
    }

    private static JournalEntry Entry(string twin, long sequence, DateTimeOffset at) =>
        new(twin, sequence, at, $"d-{twin}-{sequence}", [.. BitConverter.GetBytes(sequence), 42]);

    [Fact]
    public async Task Appends_made_together_are_each_durable_and_read_back_in_order()
    {
        await Task.WhenAll(Enumerable.Range(1, 200).Select(i => journal.AppendAsync(Entry($"car-{i % 10}", i / 10 + 1, T0.AddSeconds(i)))));

        var read = await journal.ReadAsync("car-3", 0);
        Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), read.Select(e => e.Sequence));
        Assert.All(read, e => Assert.Equal(Entry("car-3", e.Sequence, e.At).Record, e.Record));
        Assert.Equal("d-car-3-5", read[4].DeliveryId);
        Assert.Equal([19L, 20L], (await journal.ReadAsync("car-3", 18)).Select(e => e.Sequence));
        Assert.Equal(200, await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_journal"));
    }

    [Fact]
    public async Task A_sequence_another_record_holds_fails_that_append_alone_and_the_same_record_again_succeeds()
    {
        await journal.AppendAsync(Entry("car-1", 1, T0));

        var results = await Task.WhenAll(
            Attempt(journal.AppendAsync(Entry("car-1", 1, T0) with { DeliveryId = "someone else" })),
            Attempt(journal.AppendAsync(Entry("car-1", 1, T0))),
            Attempt(journal.AppendAsync(Entry("car-2", 1, T0))));

        Assert.IsType<JournalConflictException>(results[0]);
        Assert.Null(results[1]);
        Assert.Null(results[2]);
        Assert.Single(await journal.ReadAsync("car-1", 0));
    }

    [Fact]
    public async Task Retention_never_deletes_what_no_snapshot_covers_and_keeps_what_is_recent()
    {
        for (var i = 1; i <= 10; i++)
        {
            await journal.AppendAsync(Entry("car-1", i, T0.AddDays(i)));
            await journal.AppendAsync(Entry("car-2", i, T0.AddDays(i)));
        }

        await journal.CoveredAsync("car-1", 6);
        await journal.CoveredAsync("car-1", 4); // an older mark never moves it back
        var clock = new FakeTimeProvider(T0.AddDays(15)); // records 1..7 are older than seven days
        var retention = new JournalRetention(database.DataSource, Create(new ClusterOptions { ServiceId = "test" }),
            Create(new JournalOptions { Retention = TimeSpan.FromDays(7), DeleteBatchSize = 2 }), clock, NullLogger<JournalRetention>.Instance);

        Assert.Equal(6, await retention.TrimAsync(CancellationToken.None));

        Assert.Equal([7L, 8L, 9L, 10L], (await journal.ReadAsync("car-1", 0)).Select(e => e.Sequence));
        Assert.Equal(10, (await journal.ReadAsync("car-2", 0)).Count); // no snapshot covers any of car-2's records
        Assert.Equal(0, await retention.TrimAsync(CancellationToken.None));
    }

    private static async Task<Exception?> Attempt(Task append)
    {
        try
        {
            await append;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
