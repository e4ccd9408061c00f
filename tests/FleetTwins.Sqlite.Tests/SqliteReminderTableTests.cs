using FleetTwins.Sqlite.Reminders;

namespace FleetTwins.Sqlite.Tests;

public sealed class SqliteReminderTableTests
{
    private static readonly DateTime Start = new(2026, 11, 3, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_reminder_survives_a_restart_with_its_schedule()
    {
        await using var file = new DataFile();
        var grain = GrainId.Create("vehicle", "WBY1");
        var etag = await new SqliteReminderTable(file.Database).UpsertRow(Entry(grain, "timeouts", TimeSpan.FromMinutes(1)));

        await file.ReopenAsync();
        var read = await new SqliteReminderTable(file.Database).ReadRow(grain, "timeouts");
        Assert.NotNull(read);
        Assert.Equal(grain, read.GrainId);
        Assert.Equal(Start, read.StartAt);
        Assert.Equal(TimeSpan.FromMinutes(1), read.Period);
        Assert.Equal(etag, read.ETag);
        Assert.Single((await new SqliteReminderTable(file.Database).ReadRows(grain)).Reminders);
    }

    [Fact]
    public async Task An_upsert_replaces_the_schedule_and_moves_the_etag_on()
    {
        await using var file = new DataFile();
        var table = new SqliteReminderTable(file.Database);
        var grain = GrainId.Create("vehicle", "WBY2");
        var first = await table.UpsertRow(Entry(grain, "outbox", TimeSpan.FromMinutes(1)));
        var second = await table.UpsertRow(Entry(grain, "outbox", TimeSpan.FromMinutes(5)));
        Assert.NotEqual(first, second);
        Assert.Equal(TimeSpan.FromMinutes(5), (await table.ReadRow(grain, "outbox"))!.Period);
    }

    [Fact]
    public async Task A_removal_with_a_stale_etag_changes_nothing()
    {
        await using var file = new DataFile();
        var table = new SqliteReminderTable(file.Database);
        var grain = GrainId.Create("vehicle", "WBY3");
        var first = await table.UpsertRow(Entry(grain, "outbox", TimeSpan.FromMinutes(1)));
        var second = await table.UpsertRow(Entry(grain, "outbox", TimeSpan.FromMinutes(1)));
        Assert.False(await table.RemoveRow(grain, "outbox", first!));
        Assert.NotNull(await table.ReadRow(grain, "outbox"));
        Assert.True(await table.RemoveRow(grain, "outbox", second!));
        Assert.Null(await table.ReadRow(grain, "outbox"));
    }

    [Fact]
    public async Task A_hash_range_reads_its_grains_including_a_range_that_wraps_around()
    {
        await using var file = new DataFile();
        var table = new SqliteReminderTable(file.Database);
        var grains = Enumerable.Range(0, 40).Select(n => GrainId.Create("vehicle", $"twin-{n}")).ToList();
        foreach (var grain in grains)
        {
            await table.UpsertRow(Entry(grain, "timeouts", TimeSpan.FromMinutes(1)));
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        var (low, high) = (hashes[9], hashes[29]);
        var inside = (await table.ReadRows(low, high)).Reminders.Select(r => r.GrainId).ToHashSet();
        Assert.Equal(grains.Where(g => g.GetUniformHashCode() > low && g.GetUniformHashCode() <= high).ToHashSet(), inside);
        Assert.Equal(20, inside.Count);

        var wrapped = (await table.ReadRows(high, low)).Reminders.Select(r => r.GrainId).ToHashSet();
        Assert.Equal(20, wrapped.Count);
        Assert.Empty(wrapped.Intersect(inside));
        Assert.Equal(40, (await table.ReadRows(0u, 0u)).Reminders.Count); // begin == end: the whole ring
    }

    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = name, StartAt = Start, Period = period };
}
