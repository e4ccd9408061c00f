using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Journal;
using FleetTwins.Persistence.Options;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FleetTwins.Persistence.Tests;

public sealed class InProcessTwinSnapshotArchiveTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider clock = new(T0);

    private InProcessTwinSnapshotArchive Archive() =>
        new(new OptionsWrapper<JournalOptions>(new JournalOptions { Retention = TimeSpan.FromDays(7) }), clock);

    private static ArchivedSnapshot Snapshot(long version, DateTimeOffset at, string twin = "car-1") => new(twin, version, version * 10, at, [(byte)version]);

    [Fact]
    public async Task The_newest_snapshot_at_or_before_a_moment_is_found_and_the_oldest_without_one()
    {
        var archive = Archive();
        await archive.ArchiveAsync(Snapshot(1, T0));
        await archive.ArchiveAsync(Snapshot(3, T0.AddMinutes(10)));
        await archive.ArchiveAsync(Snapshot(2, T0.AddMinutes(5)));
        await archive.ArchiveAsync(Snapshot(1, T0, "car-2"));

        Assert.Equal(2, (await archive.FindAsync("car-1", T0.AddMinutes(9)))!.Version);
        Assert.Equal(3, (await archive.FindAsync("car-1", T0.AddMinutes(10)))!.Version);
        Assert.Equal(1, (await archive.FindAsync("car-1", null))!.Version);
        Assert.Null(await archive.FindAsync("car-1", T0.AddSeconds(-1)));
        Assert.Null(await archive.FindAsync("nobody", null));
    }

    [Fact]
    public async Task The_same_version_again_is_a_retried_write()
    {
        var archive = Archive();
        await archive.ArchiveAsync(Snapshot(1, T0));
        await archive.ArchiveAsync(Snapshot(1, T0) with { State = [9] });

        var kept = await archive.FindAsync("car-1", null);
        Assert.Equal(new byte[] { 1 }, kept!.State);
    }

    [Fact]
    public async Task Snapshots_older_than_the_retention_go_but_the_newest_of_them_stays()
    {
        var archive = Archive();
        await archive.ArchiveAsync(Snapshot(1, T0));
        await archive.ArchiveAsync(Snapshot(2, T0.AddDays(1)));
        await archive.ArchiveAsync(Snapshot(3, T0.AddDays(2)));
        clock.Advance(TimeSpan.FromDays(8.5));
        await archive.ArchiveAsync(Snapshot(4, T0.AddDays(8.5)));

        // The retention reaches back to day 1.5: versions 1 and 2 are older; 2 stays as the base of what follows, 1 goes.
        Assert.Equal(2, (await archive.FindAsync("car-1", null))!.Version);
        Assert.Null(await archive.FindAsync("car-1", T0.AddDays(0.5)));
    }
}
