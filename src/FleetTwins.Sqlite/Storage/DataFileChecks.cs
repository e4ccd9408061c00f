using FleetTwins.Sqlite.Options;
using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Storage;

/// <summary>
/// What the writer makes sure of before the host serves anything from the data file, the way SQLite's own tools would:
/// WAL mode, an intact file (<c>PRAGMA quick_check</c>), a schema this build knows, and that a write commits. Each
/// failure becomes one <see cref="DataFileException"/> that says what is wrong and what to do.
/// </summary>
internal static class DataFileChecks
{
    private const string Restore = "restore the last backup (stop the host, copy a `FleetTwins.Host data backup` copy over the file, delete its -wal and -shm), " +
        "or save what still reads with `FleetTwins.Host data recover <file> <new-file>` and start on the new file";

    /// <summary>Prepares the writer connection; throws what the file's state calls for.</summary>
    public static void Prepare(SqliteConnection writer, string path, SqliteOptions options)
    {
        var mode = SqliteDatabase.Scalar<string>(writer, "PRAGMA journal_mode = WAL");
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new DataFileException(path, $"cannot be put in WAL mode (journal_mode is {mode})", "keep the data file on a local file system");
        }

        SqliteDatabase.Execute(writer, $"PRAGMA synchronous = {options.Synchronous.ToString().ToUpperInvariant()}");
        if (options.CheckAtStart)
        {
            var problem = SqliteDatabase.Scalar<string>(writer, "PRAGMA quick_check(1)");
            if (!string.Equals(problem, "ok", StringComparison.OrdinalIgnoreCase))
            {
                throw new DataFileException(path, $"is damaged ({problem})", Restore);
            }
        }

        SqliteSchema.Apply(writer);

        // A read-only file opens (SQLite falls back to reading) and only refuses its first write: find out now.
        SqliteDatabase.Execute(writer, $"PRAGMA user_version = {SqliteSchema.Version}");
    }

    /// <summary>Whether an error of a write says the file will refuse every write until an operator acts (read-only, damaged).</summary>
    public static bool IsPermanent(SqliteException e) => (e.SqliteErrorCode & 0xFF) is 8 or 11 or 26;

    /// <summary>The refusal an error of SQLite's stands for while the file is opened.</summary>
    public static DataFileException Refusal(string path, SqliteException e) => (e.SqliteErrorCode & 0xFF) switch
    {
        // SQLITE_CORRUPT, SQLITE_NOTADB
        11 or 26 => new DataFileException(path, "is damaged (" + e.Message + ")", Restore, e),
        // SQLITE_READONLY
        8 => new DataFileException(path, "is read-only", "give the host's user write access to the file and its folder (its -wal and -shm files are written beside it)", e),
        // SQLITE_PERM, SQLITE_CANTOPEN, SQLITE_AUTH
        3 or 14 or 23 => new DataFileException(path, "cannot be opened for writing (" + e.Message + ")", "check the folder exists and the host's user may write it, or choose another FleetTwins__DataPath", e),
        // SQLITE_FULL
        13 => new DataFileException(path, "cannot be written: the disk is full", "free space on its file system, then start again", e),
        // SQLITE_BUSY, SQLITE_LOCKED
        5 or 6 => new DataFileException(path, "is locked by another program", "stop the program that has it open (a sqlite3 shell, a backup tool), then start again", e),
        _ => new DataFileException(path, "cannot be used (" + e.Message + ")", "check the file system it is on; " + Restore, e),
    };
}
