using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Storage;

/// <summary>What a backup wrote: the copy's size and where it is.</summary>
public sealed record DataFileBackupResult(string Target, long Pages, long Bytes, TimeSpan Elapsed);

/// <summary>
/// An online backup of a data file, with SQLite's backup API: every page copied within one read transaction of the
/// source, so the copy is the file as one commit left it, while a host goes on writing (WAL: the reader does not stop
/// the writer). The copy is written beside the target and renamed into place only once it passed <c>PRAGMA
/// quick_check</c>: a target is never half-written. The source is only read; its lock (the host's) is not taken.
/// </summary>
public static class DataFileBackup
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/>, replacing one only when <paramref name="overwrite"/>.</summary>
    public static DataFileBackupResult Copy(string source, string target, bool overwrite)
    {
        var started = Stopwatch.GetTimestamp();
        source = Path.GetFullPath(source);
        target = Path.GetFullPath(target);
        if (source == target)
        {
            throw new DataFileException(target, "is the data file itself", "name another file for the backup");
        }

        if (File.Exists(target) && !overwrite)
        {
            throw new DataFileException(target, "already exists", "name another file, or pass --force to replace it");
        }

        using var from = ReadOnlyDataFile.Open(source);
        var partial = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var (pages, bytes) = CopyInto(from, source, partial);
            // The copy on disk before its name says it is there: a crash after the rename must not find it half-synced.
            using (var written = new FileStream(partial, FileMode.Open, FileAccess.ReadWrite))
            {
                written.Flush(flushToDisk: true);
            }

            File.Move(partial, target, overwrite);
            return new DataFileBackupResult(target, pages, bytes, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new DataFileException(target, "cannot be written (" + e.Message + ")", "check the folder exists, has room, and this user may write it", e);
        }
        finally
        {
            Delete(partial);
        }
    }

    /// <summary>Copies every page of <paramref name="from"/> into a new file at <paramref name="partial"/> and checks it; answers its pages and bytes.</summary>
    private static (long Pages, long Bytes) CopyInto(SqliteConnection from, string source, string partial)
    {
        using (var to = Open(partial))
        {
            try
            {
                // One step of all pages: one read transaction of the source, so one consistent state of it.
                from.BackupDatabase(to);
            }
            catch (SqliteException e) when ((e.SqliteErrorCode & 0xFF) is 11 or 26)
            {
                throw new DataFileException(source, "is damaged (" + e.Message + ")", "run `data check` on it; `data recover` saves what is still readable", e);
            }
        }

        using var copy = Open(partial);
        // The copy stands alone, without a -wal beside it: the host puts it back in WAL mode when it opens it.
        SqliteDatabase.Scalar<string>(copy, "PRAGMA journal_mode = DELETE");
        var problem = SqliteDatabase.Scalar<string>(copy, "PRAGMA quick_check(1)");
        if (!string.Equals(problem, "ok", StringComparison.OrdinalIgnoreCase))
        {
            throw new DataFileException(source, $"is damaged (its copy fails quick_check: {problem})",
                "run `data check` on it; `data recover` saves what is still readable");
        }

        var pages = SqliteDatabase.Scalar<long>(copy, "PRAGMA page_count");
        return (pages, pages * SqliteDatabase.Scalar<long>(copy, "PRAGMA page_size"));
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Delete(string partial)
    {
        foreach (var file in new[] { partial, partial + "-journal", partial + "-wal", partial + "-shm" }.Where(File.Exists))
        {
            File.Delete(file);
        }
    }
}
