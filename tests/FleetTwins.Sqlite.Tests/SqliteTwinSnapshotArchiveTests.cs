using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Options;
using FleetTwins.Sqlite.Journal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FleetTwins.Sqlite.Tests;

/// <summary>The twins' snapshot archive in the data file: the bases of the history's asOf.</summary>
public sealed class SqliteTwinSnapshotArchiveTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static ArchivedSnapshot Snapshot(string twin, long version, DateTimeOffset at) => new(twin, version, version * 10, at, [(byte)version, 7]);

    [Fact]
    public async Task Snapshots_written_together_are_found_by_moment_after_a_restart_and_the_oldest_without_one()
    {
        await using var file = new DataFile();
        var archive = new SqliteTwinSnapshotArchive(file.Database);
        await Task.WhenAll(Enumerable.Range(1, 60).Select(i => archive.ArchiveAsync(Snapshot($"car-{i % 3}", i / 3 + 1, T0.AddMinutes(i).AddTicks(7)))));
        await archive.ArchiveAsync(Snapshot("car-1", 2, T0.AddYears(1))); // a retried write: changes nothing

        await file.ReopenAsync();
        archive = new SqliteTwinSnapshotArchive(file.Database);
        var found = await archive.FindAsync("car-1", T0.AddMinutes(30));
        Assert.Equal((10L, 100L, T0.AddMinutes(28).AddTicks(7)), (found!.Version, found.Sequence, found.At));
        Assert.Equal(new byte[] { 10, 7 }, found.State);
        Assert.Equal(1, (await archive.FindAsync("car-1", null))!.Version);
        Assert.Equal(T0.AddMinutes(1).AddTicks(7), (await archive.FindAsync("car-1", null))!.At);
        Assert.Null(await archive.FindAsync("car-1", T0));
        Assert.Null(await archive.FindAsync("nobody", null));
    }

    [Fact]
    public async Task Retention_deletes_old_snapshots_but_each_twins_newest_old_one()
    {
        await using var file = new DataFile();
        var archive = new SqliteTwinSnapshotArchive(file.Database);
        for (var i = 1; i <= 10; i++)
        {
            await archive.ArchiveAsync(Snapshot("car-1", i, T0.AddDays(i)));
        }

        await archive.ArchiveAsync(Snapshot("car-2", 1, T0.AddDays(1)));
        var clock = new FakeTimeProvider(T0.AddDays(15)); // snapshots 1..7 are older than seven days
        var retention = new SqliteJournalRetention(file.Database, new OptionsWrapper<JournalOptions>(
            new JournalOptions { Retention = TimeSpan.FromDays(7), DeleteBatchSize = 2 }), clock, NullLogger<SqliteJournalRetention>.Instance);

        await retention.TrimAsync(CancellationToken.None);

        Assert.Equal(7, (await archive.FindAsync("car-1", null))!.Version);
        Assert.Equal(10, (await archive.FindAsync("car-1", T0.AddDays(20)))!.Version);
        Assert.Null(await archive.FindAsync("car-1", T0.AddDays(6)));
        Assert.Equal(1, (await archive.FindAsync("car-2", null))!.Version);
    }

    [Fact]
    public async Task A_data_file_of_the_first_schema_gets_the_archive_when_opened_and_keeps_its_journal()
    {
        await using var file = new DataFile();
        await new SqliteTwinJournal(file.Database).AppendAsync(new JournalEntry("car-1", 1, T0, "d1", [1, 2]));
        using (var connection = new SqliteConnection($"Data Source={file.Path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE snapshot_archive; DROP TABLE alerts; PRAGMA user_version = 1;"; // as a data file from before the snapshot archive was
            command.ExecuteNonQuery();
        }

        await file.ReopenAsync();
        var archive = new SqliteTwinSnapshotArchive(file.Database);
        await archive.ArchiveAsync(Snapshot("car-1", 1, T0));
        Assert.Equal(1, (await archive.FindAsync("car-1", T0))!.Version);
        Assert.Equal("d1", (await new SqliteTwinJournal(file.Database).ReadAsync("car-1", 0)).Single().DeliveryId);
    }
}
