using System.Diagnostics;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Sqlite.Options;
using FleetTwins.Sqlite.Storage;

namespace FleetTwins.Sqlite.Tests;

/// <summary>A data file the host cannot use as it is, refused when opened with one message: which file, what is wrong, what to do.</summary>
public sealed class DataFileRefusalTests
{
    [Fact]
    public async Task A_second_opener_of_the_same_file_is_refused_naming_the_holder_until_the_first_closes_it()
    {
        await using var file = new DataFile();

        var error = Assert.Throws<DataFileException>(() => Open(file.Path));
        Assert.StartsWith(file.Path, error.Message);
        Assert.Contains("in use by another FleetTwins host", error.Message);
        Assert.Contains($"(process {Environment.ProcessId})", error.Message);

        await file.ReopenAsync();
        Assert.Equal(SqliteSchema.Version, file.Database.Read(c => SqliteDatabase.Scalar<long>(c, "PRAGMA user_version")));
    }

    [Fact]
    public async Task A_file_truncated_to_half_is_refused_as_damaged()
    {
        var path = await FileWithRowsAsync();
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        var error = Assert.Throws<DataFileException>(() => Open(path));
        Assert.Contains("is damaged", error.Message);
        Assert.Contains("restore the last backup", error.Message);
    }

    [Fact]
    public async Task A_file_with_pages_overwritten_in_its_middle_is_refused_as_damaged()
    {
        var path = await FileWithRowsAsync();
        DataFile.Damage(path);

        var error = Assert.Throws<DataFileException>(() => Open(path));
        Assert.Contains("is damaged", error.Message);
    }

    [Fact]
    public async Task A_file_that_cannot_be_written_is_refused_at_open_not_at_its_first_write()
    {
        var path = await FileWithRowsAsync();
        Chattr("+i", path);
        try
        {
            var error = Assert.Throws<DataFileException>(() => Open(path));
            Assert.StartsWith(path, error.Message);
            Assert.Contains("read-only", error.Message);
        }
        finally
        {
            Chattr("-i", path);
        }
    }

    [Fact]
    public void A_folder_that_cannot_be_written_is_refused_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("fleettwins-sqlite-").FullName;
        Chattr("+i", folder);
        try
        {
            var path = Path.Combine(folder, "fleettwins.db");
            var error = Assert.Throws<DataFileException>(() => Open(path));
            Assert.StartsWith(path, error.Message);
            Assert.Contains("write access", error.Message);
        }
        finally
        {
            Chattr("-i", folder);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_write_the_file_refuses_until_an_operator_acts_fails_as_a_refusal_not_as_retry_later()
    {
        await using var file = new DataFile();
        await file.Database.WriteAsync(w => w.Execute("CREATE TABLE t (n INTEGER PRIMARY KEY)"));
        // The writer's connection made read-only, as a file remounted read-only under a running host would be.
        await file.Database.WriteAsync(w => w.Execute("PRAGMA query_only = ON"));

        var error = await Assert.ThrowsAsync<DataFileException>(() => file.Database.WriteAsync(w => w.Execute("INSERT INTO t (n) VALUES (1)")));
        Assert.IsAssignableFrom<StorageRefusedException>(error);
        Assert.StartsWith(file.Path, error.Message);
        Assert.Contains("read-only", error.Message);
    }

    private static SqliteDatabase Open(string path) => new(new SqliteOptions { DataPath = path });

    /// <summary>A closed data file of some hundred pages, in a folder of its own.</summary>
    private static async Task<string> FileWithRowsAsync()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("fleettwins-sqlite-").FullName, "fleettwins.db");
        await using var database = Open(path);
        await database.WriteAsync(w => w.Execute("CREATE TABLE t (n INTEGER PRIMARY KEY, text TEXT NOT NULL)"));
        await Task.WhenAll(Enumerable.Range(0, 2000).Select(n =>
            database.WriteAsync(w => w.Execute("INSERT INTO t (n, text) VALUES ($p0, $p1)", n, new string('x', 200)))));
        return path;
    }

    /// <summary>
    /// Marks a file or folder immutable: even root (which these tests may run as) cannot write it. A machine whose file
    /// system has no such attribute fails the test rather than skipping it.
    /// </summary>
    private static void Chattr(string flag, string path)
    {
        using var process = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"chattr {flag} {path}: {process.StandardError.ReadToEnd()}");
    }
}
