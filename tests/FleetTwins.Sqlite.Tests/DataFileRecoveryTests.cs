using System.Security.Cryptography;
using FleetTwins.Sqlite.Options;
using FleetTwins.Sqlite.Storage;

namespace FleetTwins.Sqlite.Tests;

/// <summary><c>data recover</c>: what still reads of a damaged file, into a new one the host opens.</summary>
public sealed class DataFileRecoveryTests
{
    [Fact]
    public async Task Recovery_of_a_file_with_overwritten_pages_copies_the_readable_rows_and_counts_the_lost_ones()
    {
        await using var file = new DataFile();
        await TwinRows.WriteAsync(file.Database, twins: 40, records: 60, covered: 20);
        var folder = Path.GetDirectoryName(file.Path)!;
        var intact = DataFileBackup.Copy(file.Path, Path.Combine(folder, "intact.db"), overwrite: false).Target;
        await file.CloseAsync();
        DataFile.Damage(file.Path, pages: 16);
        var damagedBytes = SHA256.HashData(await File.ReadAllBytesAsync(file.Path));
        var target = Path.Combine(folder, "recovered.db");

        var result = await DataFileRecovery.RunAsync(file.Path, target);

        Assert.Equal(damagedBytes, SHA256.HashData(await File.ReadAllBytesAsync(file.Path)));
        await using var original = new SqliteDatabase(new SqliteOptions { DataPath = intact });
        // Opening it is the host's own start: quick_check, schema, a write.
        await using var recovered = new SqliteDatabase(new SqliteOptions { DataPath = target });
        var journal = result.Tables.Single(t => t.Table == "journal");
        var expected = TwinRows.Journal(original);
        var copied = TwinRows.Journal(recovered);
        Assert.Equal(journal.Copied, copied.Count);
        // The damage took the journal's indexes with its rows: how many rows were lost is bounded by the rowids skipped.
        Assert.Null(journal.Unreadable);
        Assert.InRange(expected.Count - copied.Count, 1, journal.UnreadableAtMost!.Value);
        Assert.Contains($"journal: {copied.Count} rows copied, at most {journal.UnreadableAtMost} could not be read", journal.ToString());
        Assert.True(copied.Count > expected.Count / 2, $"{copied.Count} of {expected.Count}");
        Assert.All(copied, row => Assert.Equal(expected[row.Key], row.Value));
        foreach (var table in result.Tables.Where(t => t.Table != "journal"))
        {
            Assert.Equal(TwinRows.Count(recovered, table.Table), table.Copied);
        }

        Assert.Equal(40, result.Tables.Single(t => t.Table == "grain_state").Copied);
        Assert.Contains(result.Consequences, c => c.Contains("lost journal records their snapshot does not cover"));
        // What the recovery said is what a check of the new file finds: its gaps, nothing else.
        var check = DataFileCheck.Run(target);
        Assert.All(check.Problems, p => Assert.StartsWith("journal of twin ", p));
        Assert.Contains("integrity_check: ok", check.Checked[0]);
    }

    [Fact]
    public async Task The_journal_of_a_twin_whose_snapshot_was_lost_is_left_out_and_said_so()
    {
        await using var file = new DataFile();
        await TwinRows.WriteAsync(file.Database, twins: 3, records: 4);
        await file.Database.WriteAsync(w => w.Execute("DELETE FROM grain_state WHERE grain_id = $p0", $"vehicle/{TwinRows.Twin(2)}"));
        await file.CloseAsync();
        var target = Path.Combine(Path.GetDirectoryName(file.Path)!, "recovered.db");

        var result = await DataFileRecovery.RunAsync(file.Path, target);

        Assert.Equal("journal: 12 rows copied", result.Tables.Single(t => t.Table == "journal").ToString());
        Assert.Equal([$"1 twin(s) lost their stored snapshot ({TwinRows.Twin(2)}): they start empty, and their 4 journal rows were left out " +
            "(a journal replays only on top of its snapshot)"], result.Consequences);
        Assert.True(DataFileCheck.Run(target).Healthy);
        await using var recovered = new SqliteDatabase(new SqliteOptions { DataPath = target });
        Assert.Equal(8, TwinRows.Count(recovered, "journal"));
    }

    [Fact]
    public async Task Recovery_of_an_intact_file_loses_nothing_and_never_writes_over_a_file()
    {
        await using var file = new DataFile();
        await TwinRows.WriteAsync(file.Database, twins: 10, records: 10, covered: 5);
        var target = Path.Combine(Path.GetDirectoryName(file.Path)!, "recovered.db");

        var result = await DataFileRecovery.RunAsync(file.Path, target);

        Assert.All(result.Tables, t => Assert.Equal(0, t.Unreadable));
        Assert.Equal(["every row was read: nothing was lost"], result.Consequences);
        Assert.Equal(100, result.Tables.Single(t => t.Table == "journal").Copied);
        var again = await Assert.ThrowsAsync<DataFileException>(() => DataFileRecovery.RunAsync(file.Path, target));
        Assert.Equal($"{target} already exists: name a new file: recovery never writes over one", again.Message);
    }
}
