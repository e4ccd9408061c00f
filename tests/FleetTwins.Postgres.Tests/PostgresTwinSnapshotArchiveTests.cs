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

/// <summary>The twins' snapshot archive (deploy/sql/009) on a real PostgreSQL.</summary>
public sealed class PostgresTwinSnapshotArchiveTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private PostgresDatabase database = null!;
    private PostgresTwinSnapshotArchive archive = null!;

    public async ValueTask InitializeAsync()
    {
        database = await PostgresDatabase.CreateAsync();
        await new SchemaMigrator(database.DataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Migration.Embedded);
        archive = new PostgresTwinSnapshotArchive(database.DataSource, Create(new ClusterOptions { ServiceId = "test" }), new PostgresJournalOptions());
    }

    public async ValueTask DisposeAsync()
    {
        await archive.DisposeAsync();
        await database.DisposeAsync();
    }

    private static ArchivedSnapshot Snapshot(string twin, long version, DateTimeOffset at) => new(twin, version, version * 10, at, [(byte)version, 7]);

    [Fact]
    public async Task Snapshots_written_together_are_found_by_moment_and_the_oldest_without_one()
    {
        await Task.WhenAll(Enumerable.Range(1, 60).Select(i => archive.ArchiveAsync(Snapshot($"car-{i % 3}", i / 3 + 1, T0.AddMinutes(i)))));
        await archive.ArchiveAsync(Snapshot("car-1", 2, T0.AddYears(1))); // a retried write: changes nothing

        var found = await archive.FindAsync("car-1", T0.AddMinutes(30));
        Assert.Equal((10L, 100L, T0.AddMinutes(28)), (found!.Version, found.Sequence, found.At));
        Assert.Equal(new byte[] { 10, 7 }, found.State);
        Assert.Equal(1, (await archive.FindAsync("car-1", null))!.Version);
        Assert.Equal(T0.AddMinutes(1), (await archive.FindAsync("car-1", null))!.At);
        Assert.Null(await archive.FindAsync("car-1", T0));
        Assert.Null(await archive.FindAsync("nobody", null));
        Assert.Equal(60, await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_snapshot_archive"));
    }

    [Fact]
    public async Task Retention_deletes_old_snapshots_but_each_twins_newest_old_one()
    {
        for (var i = 1; i <= 10; i++)
        {
            await archive.ArchiveAsync(Snapshot("car-1", i, T0.AddDays(i)));
        }

        await archive.ArchiveAsync(Snapshot("car-2", 1, T0.AddDays(1)));
        var clock = new FakeTimeProvider(T0.AddDays(15)); // snapshots 1..7 are older than seven days
        var retention = new JournalRetention(database.DataSource, Create(new ClusterOptions { ServiceId = "test" }),
            Create(new JournalOptions { Retention = TimeSpan.FromDays(7), DeleteBatchSize = 2 }), clock, NullLogger<JournalRetention>.Instance);

        await retention.TrimAsync(CancellationToken.None);

        Assert.Equal(7, (await archive.FindAsync("car-1", null))!.Version);
        Assert.Equal(4, await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_snapshot_archive WHERE twin_id = 'car-1'"));
        Assert.Equal(1, (await archive.FindAsync("car-2", null))!.Version);
    }
}
