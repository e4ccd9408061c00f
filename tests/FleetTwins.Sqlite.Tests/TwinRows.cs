using FleetTwins.Abstractions.Persistence;
using FleetTwins.Sqlite.Journal;
using FleetTwins.Sqlite.Storage;
using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Tests;

/// <summary>Twins' rows as the host writes them: a stored snapshot first, then journal records through <see cref="SqliteTwinJournal"/>.</summary>
public static class TwinRows
{
    public static string Twin(int n) => $"twin-{n:D4}";

    /// <summary>A twin's stored snapshot (<c>grain_state</c>, keyed as Orleans keys a vehicle twin's).</summary>
    public static Task SnapshotAsync(SqliteDatabase database, string twin) =>
        database.WriteAsync(w => w.Execute("""
            INSERT INTO grain_state (state_name, grain_id, version, payload, modified_at) VALUES ('vehicle', $p0, 1, $p1, 0)
            ON CONFLICT DO UPDATE SET version = version + 1
            """, $"vehicle/{twin}", new byte[64]));

    public static Task AppendAsync(SqliteTwinJournal journal, string twin, long sequence, int size = 200) =>
        journal.AppendAsync(new JournalEntry(twin, sequence, DateTimeOffset.UnixEpoch.AddSeconds(sequence), $"msg-{twin}-{sequence}", Record(twin, sequence, size)));

    /// <summary>
    /// <paramref name="twins"/> twins, each a snapshot and <paramref name="records"/> records, appended round by round
    /// (as a fleet's deliveries interleave); every twin's first <paramref name="covered"/> marked covered by its snapshot.
    /// </summary>
    public static async Task WriteAsync(SqliteDatabase database, int twins, int records, int covered = 0)
    {
        var journal = new SqliteTwinJournal(database);
        await Task.WhenAll(Enumerable.Range(0, twins).Select(t => SnapshotAsync(database, Twin(t))));
        for (var sequence = 1; sequence <= records; sequence++)
        {
            await Task.WhenAll(Enumerable.Range(0, twins).Select(t => AppendAsync(journal, Twin(t), sequence)));
        }

        if (covered > 0)
        {
            await Task.WhenAll(Enumerable.Range(0, twins).Select(t => journal.CoveredAsync(Twin(t), covered)));
        }
    }

    /// <summary>A record whose bytes say whose and which it is: a row copied from elsewhere would show.</summary>
    public static byte[] Record(string twin, long sequence, int size = 200)
    {
        var record = new byte[size];
        new Random(HashCode.Combine(twin.GetHashCode(StringComparison.Ordinal), sequence)).NextBytes(record);
        return record;
    }

    /// <summary>Every journal row of a file: (twin, sequence) → record.</summary>
    public static Dictionary<(string Twin, long Sequence), byte[]> Journal(SqliteDatabase database) => database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT twin_id, sequence, record FROM journal";
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<(string, long), byte[]>();
        while (reader.Read())
        {
            rows[(reader.GetString(0), reader.GetInt64(1))] = (byte[])reader.GetValue(2);
        }

        return rows;
    });

    public static long Count(SqliteDatabase database, string table) =>
        database.Read(connection => SqliteDatabase.Scalar<long>(connection, $"SELECT count(*) FROM {table}"));

    /// <summary>Runs <paramref name="sql"/> on a file no host has open (as an outside tool would).</summary>
    public static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        SqliteDatabase.Execute(connection, sql);
    }
}
