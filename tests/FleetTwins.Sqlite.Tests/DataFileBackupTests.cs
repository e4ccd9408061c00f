using FleetTwins.Sqlite.Journal;
using FleetTwins.Sqlite.Options;
using FleetTwins.Sqlite.Storage;

namespace FleetTwins.Sqlite.Tests;

/// <summary><c>data backup</c>: an online copy of a data file that a host goes on writing.</summary>
public sealed class DataFileBackupTests
{
    [Fact]
    public async Task A_backup_passes_the_integrity_check_and_holds_the_same_rows()
    {
        await using var file = new DataFile();
        await TwinRows.WriteAsync(file.Database, twins: 20, records: 30, covered: 10);
        var target = Path.Combine(Path.GetDirectoryName(file.Path)!, "backups", "copy.db");

        var copy = DataFileBackup.Copy(file.Path, target, overwrite: false);

        Assert.Equal(target, copy.Target);
        Assert.True(copy.Pages > 1);
        Assert.Equal(new FileInfo(target).Length, copy.Bytes);
        Assert.False(File.Exists(target + "-wal"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!, "*.partial"));
        var check = DataFileCheck.Run(target);
        Assert.True(check.Healthy, string.Join('\n', check.Problems));
        await using var backup = new SqliteDatabase(new SqliteOptions { DataPath = target });
        Assert.Equal(TwinRows.Journal(file.Database), TwinRows.Journal(backup));
        Assert.Equal(20, TwinRows.Count(backup, "journal_covered"));
        Assert.Equal(20, TwinRows.Count(backup, "grain_state"));
    }

    [Fact]
    public async Task A_backup_while_a_writer_commits_is_the_file_as_one_commit_left_it()
    {
        await using var file = new DataFile();
        await TwinRows.WriteAsync(file.Database, twins: 50, records: 40);
        var journal = new SqliteTwinJournal(file.Database);
        using var stop = new CancellationTokenSource();
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long committed = 0;
        // Each twin appends its next record after its last one committed, covered marks follow: what twins do.
        var writer = Task.Run(async () =>
        {
            for (var sequence = 41; !stop.IsCancellationRequested; sequence++)
            {
                await Task.WhenAll(Enumerable.Range(0, 50).Select(t => TwinRows.AppendAsync(journal, TwinRows.Twin(t), sequence)));
                await journal.CoveredAsync(TwinRows.Twin(sequence % 50), sequence - 5);
                Interlocked.Add(ref committed, 50);
                writing.TrySetResult();
            }
        });
        await writing.Task;

        // Backups until three of them ran while the writer committed (each takes a few milliseconds, a commit less).
        var folder = Path.GetDirectoryName(file.Path)!;
        var backups = new List<(string Path, long Before)>();
        var overlapped = 0;
        for (var n = 0; n < 100 && overlapped < 3; n++)
        {
            var before = Interlocked.Read(ref committed);
            backups.Add((DataFileBackup.Copy(file.Path, Path.Combine(folder, $"copy-{n}.db"), overwrite: false).Target, before));
            overlapped += Interlocked.Read(ref committed) > before ? 1 : 0;
        }

        await stop.CancelAsync();
        await writer;

        Assert.Equal(3, overlapped);
        foreach (var (backup, before) in backups)
        {
            var check = DataFileCheck.Run(backup);
            Assert.True(check.Healthy, string.Join('\n', check.Problems));
            await using var copy = new SqliteDatabase(new SqliteOptions { DataPath = backup });
            var rows = TwinRows.Journal(copy);
            Assert.True(rows.Count >= 50 * 40 + before, $"{rows.Count} rows, {50 * 40 + before} committed before the backup began");
            Assert.All(rows, row => Assert.Equal(TwinRows.Record(row.Key.Twin, row.Key.Sequence), row.Value));
        }
    }

    [Fact]
    public async Task A_backup_refuses_an_existing_target_unless_forced_and_a_missing_source()
    {
        await using var file = new DataFile();
        await TwinRows.WriteAsync(file.Database, twins: 5, records: 5);
        var target = Path.Combine(Path.GetDirectoryName(file.Path)!, "copy.db");
        await File.WriteAllTextAsync(target, "an older backup");

        var exists = Assert.Throws<DataFileException>(() => DataFileBackup.Copy(file.Path, target, overwrite: false));
        Assert.Equal($"{target} already exists: name another file, or pass --force to replace it", exists.Message);
        Assert.Equal("an older backup", await File.ReadAllTextAsync(target));

        DataFileBackup.Copy(file.Path, target, overwrite: true);
        Assert.True(DataFileCheck.Run(target).Healthy);

        var missing = Assert.Throws<DataFileException>(() => DataFileBackup.Copy(file.Path + ".nope", target + ".2", overwrite: false));
        Assert.Contains("does not exist", missing.Message);
        Assert.False(File.Exists(target + ".2"));
    }

    [Fact]
    public async Task A_backup_of_a_damaged_file_is_refused_and_leaves_no_target()
    {
        await using var file = new DataFile();
        await TwinRows.WriteAsync(file.Database, twins: 40, records: 50);
        await file.CloseAsync();
        DataFile.Damage(file.Path);
        var target = Path.Combine(Path.GetDirectoryName(file.Path)!, "copy.db");

        var error = Assert.Throws<DataFileException>(() => DataFileBackup.Copy(file.Path, target, overwrite: false));

        Assert.StartsWith($"{file.Path} is damaged", error.Message);
        Assert.Contains("data recover", error.Message);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!, "copy.db*"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!, "*.partial"));
    }
}
