using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Storage;

/// <summary>
/// The data file's tables, applied in order: <c>PRAGMA user_version</c> counts the steps a file has seen, so opening
/// an older file adds what it lacks and a newer one (from a later build) is refused rather than misread.
/// Times are UTC ticks (100 ns), exact for what the grains wrote.
/// </summary>
public static class SqliteSchema
{
    /// <summary>Each step once, in order; never change a step that has shipped, add one.</summary>
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE grain_state (
            state_name TEXT NOT NULL,
            grain_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            payload BLOB NOT NULL,
            modified_at INTEGER NOT NULL,
            PRIMARY KEY (state_name, grain_id)) WITHOUT ROWID;
        CREATE TABLE journal (
            twin_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            at INTEGER NOT NULL,
            delivery_id TEXT,
            record BLOB NOT NULL,
            PRIMARY KEY (twin_id, sequence));
        CREATE INDEX journal_at ON journal (at);
        CREATE TABLE journal_covered (
            twin_id TEXT NOT NULL PRIMARY KEY,
            sequence INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE reminders (
            grain_id TEXT NOT NULL,
            reminder_name TEXT NOT NULL,
            grain_hash INTEGER NOT NULL,
            start_at INTEGER NOT NULL,
            period INTEGER NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (grain_id, reminder_name)) WITHOUT ROWID;
        CREATE INDEX reminders_hash ON reminders (grain_hash);
        CREATE TABLE fleet_vehicles (
            id TEXT NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            payload BLOB NOT NULL) WITHOUT ROWID;
        """,
        // 2: every snapshot a twin wrote, the bases of the history's asOf (SqliteTwinSnapshotArchive).
        """
        CREATE TABLE snapshot_archive (
            twin_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            sequence INTEGER NOT NULL,
            at INTEGER NOT NULL,
            state BLOB NOT NULL,
            PRIMARY KEY (twin_id, version));
        CREATE INDEX snapshot_archive_at ON snapshot_archive (twin_id, at);
        """,
        // 3: the alert inbox, ours and the providers' (SqliteAlertIndex), each row the newest version of one alert.
        """
        CREATE TABLE alerts (
            id TEXT NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            payload BLOB NOT NULL) WITHOUT ROWID;
        """,
    ];

    /// <summary>How many steps this build knows.</summary>
    public static int Version => Steps.Length;

    /// <summary>Applies the steps the file has not seen, in one transaction.</summary>
    public static void Apply(SqliteConnection connection)
    {
        var seen = (int)SqliteDatabase.Scalar<long>(connection, "PRAGMA user_version");
        if (seen > Steps.Length)
        {
            throw new DataFileException(connection.DataSource, $"has schema version {seen} and this build knows {Steps.Length}",
                "it was written by a newer FleetTwins: run that version, or restore a backup this version wrote");
        }

        if (seen == Steps.Length)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        for (var step = seen; step < Steps.Length; step++)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Steps[step];
            command.ExecuteNonQuery();
        }

        using (var version = connection.CreateCommand())
        {
            version.Transaction = transaction;
            version.CommandText = $"PRAGMA user_version = {Steps.Length}";
            version.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
