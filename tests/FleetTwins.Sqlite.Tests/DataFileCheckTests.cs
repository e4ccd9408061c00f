using FleetTwins.Sqlite.Storage;

namespace FleetTwins.Sqlite.Tests;

/// <summary><c>data check</c>: SQLite's integrity check, the schema, and what FleetTwins' writes make true of the journal.</summary>
public sealed class DataFileCheckTests
{
    [Fact]
    public async Task A_file_the_host_wrote_is_healthy_also_while_it_is_open()
    {
        await using var file = new DataFile();
        await TwinRows.WriteAsync(file.Database, twins: 10, records: 12, covered: 4);
        // Retention's work: covered records deleted; what follows them stays.
        await file.Database.WriteAsync(w => w.Execute("DELETE FROM journal WHERE sequence <= 3"));

        var result = DataFileCheck.Run(file.Path);

        Assert.True(result.Healthy, string.Join('\n', result.Problems));
        Assert.Equal(
            [$"integrity_check: ok ({file.Database.Read(c => SqliteDatabase.Scalar<long>(c, "PRAGMA page_count"))} pages)",
                $"schema: version {SqliteSchema.Version}, 7 of 7 tables",
                "journal: 10 twin(s); 0 without a stored snapshot, 0 with missing records"],
            result.Checked);
    }

    [Fact]
    public async Task A_record_missing_after_the_covered_ones_and_a_journal_without_snapshot_are_found()
    {
        await using var file = new DataFile();
        await TwinRows.WriteAsync(file.Database, twins: 5, records: 10, covered: 2);
        await file.Database.WriteAsync(w => w.Execute("DELETE FROM journal WHERE twin_id = $p0 AND sequence = 6", TwinRows.Twin(3)));
        await file.Database.WriteAsync(w => w.Execute("DELETE FROM journal WHERE twin_id = $p0 AND sequence = 3", TwinRows.Twin(4)));
        await file.Database.WriteAsync(w => w.Execute("DELETE FROM grain_state WHERE grain_id = $p0", $"vehicle/{TwinRows.Twin(1)}"));

        var result = DataFileCheck.Run(file.Path);

        Assert.Equal(
            [$"twin {TwinRows.Twin(1)} has journal rows but no stored snapshot (grain_state): they cannot be replayed",
                $"journal of twin {TwinRows.Twin(3)}: holds 7 of the records 3..10 its snapshot does not cover (1 missing)",
                $"journal of twin {TwinRows.Twin(4)}: holds 7 of the records 3..10 its snapshot does not cover (1 missing)"],
            result.Problems);
        Assert.Contains("journal: 5 twin(s); 1 without a stored snapshot, 2 with missing records", result.Checked);
    }

    [Fact]
    public async Task Damaged_pages_are_found_by_the_integrity_check()
    {
        await using var file = new DataFile();
        await TwinRows.WriteAsync(file.Database, twins: 40, records: 50);
        await file.CloseAsync();
        DataFile.Damage(file.Path);

        var result = DataFileCheck.Run(file.Path);

        Assert.False(result.Healthy);
        Assert.StartsWith("integrity_check: ", result.Problems[0]);
        Assert.DoesNotContain("integrity_check: ok", result.Checked[0]);
    }

    [Fact]
    public async Task A_missing_file_or_one_that_is_no_database_cannot_be_checked()
    {
        await using var file = new DataFile();
        var other = Path.Combine(Path.GetDirectoryName(file.Path)!, "notes.txt");
        await File.WriteAllTextAsync(other, new string('x', 8192));

        Assert.Contains("does not exist", Assert.Throws<DataFileException>(() => DataFileCheck.Run(file.Path + ".nope")).Message);
        Assert.Contains("is not a SQLite database", Assert.Throws<DataFileException>(() => DataFileCheck.Run(other)).Message);
    }

    [Fact]
    public async Task A_file_of_a_newer_schema_is_a_problem()
    {
        await using var file = new DataFile();
        await file.CloseAsync();
        TwinRows.Execute(file.Path, $"PRAGMA user_version = {SqliteSchema.Version + 1}");

        var result = DataFileCheck.Run(file.Path);

        Assert.Contains($"schema version {SqliteSchema.Version + 1} is newer than this build's {SqliteSchema.Version}: check it with the FleetTwins that wrote it",
            result.Problems);
    }
}
