using System.Globalization;
using FleetTwins.Sqlite.Storage;
using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Reminders;

/// <summary>
/// Orleans' reminder table in the data file (table <c>reminders</c>): command timeouts and the outbox's retries
/// survive a restart. Rows keep the grain's uniform hash, so the reminder service reads its range by index; versions
/// are the ETags, so a removal with a stale ETag changes nothing. Writes go through the file's one writer.
/// </summary>
public sealed class SqliteReminderTable(SqliteDatabase database) : IReminderTable
{
    private const string Columns = "grain_id, reminder_name, start_at, period, version";

    private const string UpsertSql = """
        INSERT INTO reminders (grain_id, reminder_name, grain_hash, start_at, period, version) VALUES ($p0, $p1, $p2, $p3, $p4, 1)
        ON CONFLICT (grain_id, reminder_name) DO UPDATE SET
            grain_hash = excluded.grain_hash, start_at = excluded.start_at, period = excluded.period, version = version + 1
        RETURNING version
        """;

    private const string RemoveSql = "DELETE FROM reminders WHERE grain_id = $p0 AND reminder_name = $p1 AND version = $p2";

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Task.FromResult(new ReminderTableData(Query($"SELECT {Columns} FROM reminders WHERE grain_id = $p0", grainId.ToString())));

    public Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        // (begin, end]; when begin >= end the range wraps around the ring: above begin or up to end.
        var where = begin < end ? "grain_hash > $p0 AND grain_hash <= $p1" : "grain_hash > $p0 OR grain_hash <= $p1";
        return Task.FromResult(new ReminderTableData(Query($"SELECT {Columns} FROM reminders WHERE {where}", (long)begin, (long)end)));
    }

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        Task.FromResult(Query($"SELECT {Columns} FROM reminders WHERE grain_id = $p0 AND reminder_name = $p1",
            grainId.ToString(), reminderName).FirstOrDefault());

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        var id = entry.GrainId.ToString();
        var hash = (long)entry.GrainId.GetUniformHashCode();
        var start = new DateTimeOffset(DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc)).UtcTicks;
        var version = await database.WriteAsync(write =>
            (long)write.Command(UpsertSql, id, entry.ReminderName, hash, start, entry.Period.Ticks).ExecuteScalar()!);
        return version.ToString(CultureInfo.InvariantCulture);
    }

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        if (!long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        var id = grainId.ToString();
        return await database.WriteAsync(write => write.Execute(RemoveSql, id, reminderName, version)) == 1;
    }

    public Task TestOnlyClearTable() => database.WriteAsync(write => write.Execute("DELETE FROM reminders"));

    private List<ReminderEntry> Query(string sql, params object[] values) => database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue($"$p{i}", values[i]);
        }

        using var reader = command.ExecuteReader();
        var entries = new List<ReminderEntry>();
        while (reader.Read())
        {
            entries.Add(Entry(reader));
        }

        return entries;
    });

    private static ReminderEntry Entry(SqliteDataReader reader) => new()
    {
        GrainId = GrainId.Parse(reader.GetString(0)),
        ReminderName = reader.GetString(1),
        StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
        Period = TimeSpan.FromTicks(reader.GetInt64(3)),
        ETag = reader.GetInt64(4).ToString(CultureInfo.InvariantCulture),
    };
}
