using FleetTwins.Abstractions.Persistence;
using FleetTwins.Sqlite.Storage;

namespace FleetTwins.Sqlite.Journal;

/// <summary>
/// The twins' snapshot archive in the data file (table <c>snapshot_archive</c>): every snapshot a twin wrote, so that
/// <c>?asOf=</c> can start from the newest one at or before a moment; written with every other write of the process
/// (one transaction), a (twin, version) already kept is a retried write. Trimmed by <see cref="SqliteJournalRetention"/>.
/// </summary>
public sealed class SqliteTwinSnapshotArchive(SqliteDatabase database) : ITwinSnapshotArchive
{
    private const string ArchiveSql = """
        INSERT INTO snapshot_archive (twin_id, version, sequence, at, state) VALUES ($p0, $p1, $p2, $p3, $p4)
        ON CONFLICT DO NOTHING
        """;

    private const string NewestSql = """
        SELECT version, sequence, at, state FROM snapshot_archive
        WHERE twin_id = $p0 AND at <= $p1 ORDER BY at DESC, version DESC LIMIT 1
        """;

    private const string OldestSql = """
        SELECT version, sequence, at, state FROM snapshot_archive WHERE twin_id = $p0 ORDER BY at, version LIMIT 1
        """;

    public Task ArchiveAsync(ArchivedSnapshot snapshot) =>
        database.WriteAsync(write => write.Execute(ArchiveSql, snapshot.TwinId, snapshot.Version, snapshot.Sequence, snapshot.At.UtcTicks, snapshot.State));

    public Task<ArchivedSnapshot?> FindAsync(string twinId, DateTimeOffset? at) =>
        Task.FromResult(database.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = at is null ? OldestSql : NewestSql;
            command.Parameters.AddWithValue("$p0", twinId);
            if (at is { } moment)
            {
                command.Parameters.AddWithValue("$p1", moment.UtcTicks);
            }

            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new ArchivedSnapshot(twinId, reader.GetInt64(0), reader.GetInt64(1), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero),
                    (byte[])reader.GetValue(3))
                : null;
        }));
}
