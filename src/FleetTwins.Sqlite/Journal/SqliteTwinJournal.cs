using FleetTwins.Abstractions.Persistence;
using FleetTwins.Sqlite.Storage;

namespace FleetTwins.Sqlite.Journal;

/// <summary>
/// The twins' journal in the data file (table <c>journal</c>), with the semantics of the PostgreSQL one: appends are
/// group-committed with every other write of the process (one transaction for many twins), each completing after that
/// commit; a (twin, sequence) another record holds makes that append alone fail, the same record again counts as written.
/// </summary>
public sealed class SqliteTwinJournal(SqliteDatabase database) : ITwinJournal
{
    private const string AppendSql = """
        INSERT INTO journal (twin_id, sequence, at, delivery_id, record) VALUES ($p0, $p1, $p2, $p3, $p4)
        ON CONFLICT DO NOTHING
        """;

    private const string HeldSql = "SELECT delivery_id, record FROM journal WHERE twin_id = $p0 AND sequence = $p1";

    private const string ReadSql = """
        SELECT sequence, at, delivery_id, record FROM journal WHERE twin_id = $p0 AND sequence > $p1 ORDER BY sequence
        """;

    private const string CoveredSql = """
        INSERT INTO journal_covered (twin_id, sequence) VALUES ($p0, $p1)
        ON CONFLICT (twin_id) DO UPDATE SET sequence = max(sequence, excluded.sequence)
        """;

    public async Task AppendAsync(JournalEntry entry)
    {
        var written = await database.WriteAsync(write =>
        {
            if (write.Execute(AppendSql, entry.TwinId, entry.Sequence, entry.At.UtcTicks, entry.DeliveryId, entry.Record) == 1)
            {
                return true;
            }

            // Rare: the sequence is taken. The same record again (a retried append) counts as written.
            using var reader = write.Command(HeldSql, entry.TwinId, entry.Sequence).ExecuteReader();
            return reader.Read()
                && (reader.IsDBNull(0) ? null : reader.GetString(0)) == entry.DeliveryId
                && ((byte[])reader.GetValue(1)).AsSpan().SequenceEqual(entry.Record);
        });
        if (!written)
        {
            throw new JournalConflictException($"{entry.TwinId} has another record at {entry.Sequence}");
        }
    }

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(string twinId, long afterSequence) =>
        Task.FromResult<IReadOnlyList<JournalEntry>>(database.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = ReadSql;
            command.Parameters.AddWithValue("$p0", twinId);
            command.Parameters.AddWithValue("$p1", afterSequence);
            using var reader = command.ExecuteReader();
            var entries = new List<JournalEntry>();
            while (reader.Read())
            {
                entries.Add(new JournalEntry(twinId, reader.GetInt64(0), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
                    reader.IsDBNull(2) ? null : reader.GetString(2), (byte[])reader.GetValue(3)));
            }

            return entries;
        }));

    public Task CoveredAsync(string twinId, long sequence) =>
        database.WriteAsync(write => write.Execute(CoveredSql, twinId, sequence));
}
