using FleetTwins.Sqlite.Options;
using FleetTwins.Sqlite.Storage;
using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Tests;

public sealed class SqliteDatabaseTests
{
    [Fact]
    public async Task The_file_and_its_folder_are_created_in_wal_mode()
    {
        await using var file = new DataFile();
        Assert.True(File.Exists(file.Path));
        Assert.Equal("wal", file.Database.Read(c => Scalar<string>(c, "PRAGMA journal_mode")));
        Assert.Equal(SqliteSchema.Version, file.Database.Read(c => Scalar<long>(c, "PRAGMA user_version")));
    }

    [Fact]
    public async Task Writes_that_arrive_together_share_a_commit_and_each_completes_after_it()
    {
        await using var file = new DataFile();
        await file.Database.WriteAsync(w => w.Execute("CREATE TABLE t (n INTEGER PRIMARY KEY)"));
        var before = file.Database.Commits;
        var writes = Enumerable.Range(0, 500).Select(n => file.Database.WriteAsync(w => w.Execute("INSERT INTO t (n) VALUES ($p0)", n))).ToList();
        Assert.All(await Task.WhenAll(writes), changed => Assert.Equal(1, changed));
        var commits = file.Database.Commits - before;
        Assert.InRange(commits, 1, 250);
        Assert.Equal(500, file.Database.Read(c => Scalar<long>(c, "SELECT count(*) FROM t")));
    }

    [Fact]
    public async Task A_failing_write_fails_alone_and_its_batch_mates_are_committed()
    {
        await using var file = new DataFile();
        await file.Database.WriteAsync(w => w.Execute("CREATE TABLE t (n INTEGER PRIMARY KEY)"));
        // Queue enough that the failing write shares a batch with others.
        var good = Enumerable.Range(0, 100).Select(n => file.Database.WriteAsync(w => w.Execute("INSERT INTO t (n) VALUES ($p0)", n))).ToList();
        var bad = file.Database.WriteAsync(w => w.Execute("INSERT INTO missing_table (n) VALUES (1)"));
        var more = Enumerable.Range(100, 100).Select(n => file.Database.WriteAsync(w => w.Execute("INSERT INTO t (n) VALUES ($p0)", n))).ToList();
        await Assert.ThrowsAsync<SqliteException>(() => bad);
        await Task.WhenAll(good.Concat(more));
        Assert.Equal(200, file.Database.Read(c => Scalar<long>(c, "SELECT count(*) FROM t")));
    }

    [Fact]
    public async Task Committed_writes_survive_a_reopen()
    {
        await using var file = new DataFile();
        await file.Database.WriteAsync(w => w.Execute("CREATE TABLE t (n INTEGER PRIMARY KEY)"));
        await file.Database.WriteAsync(w => w.Execute("INSERT INTO t (n) VALUES (42)"));
        await file.ReopenAsync();
        Assert.Equal(42, file.Database.Read(c => Scalar<long>(c, "SELECT n FROM t")));
    }

    [Fact]
    public async Task A_file_from_a_newer_build_is_refused()
    {
        await using var file = new DataFile();
        await file.Database.WriteAsync(w => w.Execute($"PRAGMA user_version = {SqliteSchema.Version + 1}"));
        await file.Database.DisposeAsync();
        var error = Assert.Throws<DataFileException>(() => new SqliteDatabase(new SqliteOptions { DataPath = file.Path }));
        Assert.Contains("newer FleetTwins", error.Message);
        Assert.StartsWith(file.Path, error.Message);
    }

    [Fact]
    public async Task A_backup_with_vacuum_into_holds_what_was_committed()
    {
        await using var file = new DataFile();
        await file.Database.WriteAsync(w => w.Execute("CREATE TABLE t (n INTEGER PRIMARY KEY)"));
        await file.Database.WriteAsync(w => w.Execute("INSERT INTO t (n) VALUES (7)"));
        var backup = Path.Combine(Path.GetDirectoryName(file.Path)!, "backup.db");
        await file.Database.BackupAsync(backup);
        await using var copy = new SqliteDatabase(new SqliteOptions { DataPath = backup });
        Assert.Equal(7, copy.Read(c => Scalar<long>(c, "SELECT n FROM t")));
    }

    [Fact]
    public void Settings_it_cannot_run_with_are_refused()
    {
        var validator = new SqliteOptionsValidator();
        Assert.True(validator.Validate(null, new SqliteOptions()).Succeeded);
        Assert.True(validator.Validate(null, new SqliteOptions { DataPath = "" }).Failed);
        Assert.True(validator.Validate(null, new SqliteOptions { DataPath = Path.GetTempPath() }).Failed);
        Assert.True(validator.Validate(null, new SqliteOptions { MaxBatchSize = 0 }).Failed);
        Assert.True(validator.Validate(null, new SqliteOptions { Synchronous = (SqliteSynchronous)7 }).Failed);
    }

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }
}
