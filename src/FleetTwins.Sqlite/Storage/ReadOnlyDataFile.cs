using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Storage;

/// <summary>
/// A data file opened to be read only, by a tool beside the host (backup, check, recovery): it takes no
/// <see cref="DataFileLock"/> (a running host holds it) and never writes the file; in WAL mode it reads what was
/// committed while the host goes on writing.
/// </summary>
internal static class ReadOnlyDataFile
{
    /// <summary>Opens <paramref name="path"/>; a missing file, or one that is not a SQLite database, is a <see cref="DataFileException"/>.</summary>
    public static SqliteConnection Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFileException(path, "does not exist", "name an existing data file (the host's is FleetTwins__DataPath)");
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            // SQLite reads the header only when asked something: a file that is not a database fails here.
            SqliteDatabase.Scalar<long>(connection, "PRAGMA user_version");
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw (e.SqliteErrorCode & 0xFF) == 26
                ? new DataFileException(path, "is not a SQLite database", "name the data file itself (FleetTwins__DataPath), not its -wal, -shm or .lock", e)
                : new DataFileException(path, "cannot be read (" + e.Message + ")", "check the file and its folder may be read by this user", e);
        }
    }

    /// <summary>The names of the file's tables (its own, not SQLite's), in order.</summary>
    public static List<string> Tables(SqliteConnection connection) =>
        SqliteDatabase.Strings(connection, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
}
