using FleetTwins.Sqlite.Options;
using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Storage;

/// <summary>What a recovery saved, table by table, and what the host will make of what was lost (one line each).</summary>
public sealed record DataFileRecoveryResult(string Target, IReadOnlyList<TableSalvageResult> Tables, IReadOnlyList<string> Consequences);

/// <summary>
/// Saves what is still readable of a damaged data file into a new one: the new file is made as the host makes one
/// (<see cref="SqliteDatabase"/>: WAL, <see cref="SqliteSchema"/>), then each table of the schema is copied row by
/// row, in ranges, skipping what fails to read (<see cref="TableSalvage"/>). The damaged file is only read. What the
/// host's own rules need of the copy is then made true, and said: a journal replays only on top of its twin's stored
/// snapshot, so the rows of twins whose snapshot was lost go too.
/// </summary>
public static class DataFileRecovery
{
    private static readonly string[] TwinTables = ["journal", "journal_covered", "snapshot_archive"];

    /// <summary>Copies what reads of <paramref name="damaged"/> into <paramref name="target"/>, which must not exist.</summary>
    public static async Task<DataFileRecoveryResult> RunAsync(string damaged, string target)
    {
        damaged = Path.GetFullPath(damaged);
        target = Path.GetFullPath(target);
        if (File.Exists(target) || File.Exists(target + "-wal"))
        {
            throw new DataFileException(target, "already exists", "name a new file: recovery never writes over one");
        }

        using var source = ReadOnlyDataFile.Open(damaged);
        List<string> sourceTables;
        try
        {
            sourceTables = ReadOnlyDataFile.Tables(source);
        }
        catch (SqliteException e)
        {
            throw new DataFileException(damaged, "has a schema SQLite cannot read (" + e.Message + ")",
                "no table can be read: restore the last backup (`sqlite3 <file> .recover` reads pages directly and may save some rows)", e);
        }

        var database = new SqliteDatabase(new SqliteOptions { DataPath = target, Synchronous = SqliteSynchronous.Normal });
        try
        {
            var tables = new List<TableSalvageResult>();
            foreach (var table in database.Read(ReadOnlyDataFile.Tables))
            {
                tables.Add(sourceTables.Contains(table) ? await CopyAsync(source, database, table) : new TableSalvageResult(table, 0, 0, InSource: false));
            }

            var consequences = await KeepHostRulesAsync(database, tables);
            await database.DisposeAsync();
            return new DataFileRecoveryResult(target, tables, consequences);
        }
        catch
        {
            await database.DisposeAsync();
            foreach (var file in new[] { target, target + "-wal", target + "-shm", target + ".lock" }.Where(File.Exists))
            {
                File.Delete(file);
            }

            throw;
        }
    }

    private static async Task<TableSalvageResult> CopyAsync(SqliteConnection source, SqliteDatabase database, string table)
    {
        var (columns, primaryKey, withoutRowId) = database.Read(connection => Shape(connection, table));
        var insert = $"INSERT OR IGNORE INTO {table} ({string.Join(", ", columns)}) " +
            $"VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        var salvage = new TableSalvage(source, table, columns, primaryKey, withoutRowId);
        long copied = 0;
        var read = await salvage.ReadAsync(async rows => copied += await database.WriteAsync(write =>
            // A row that reads but breaks a constraint of the table (a damaged value) is skipped, not copied.
            rows.Sum(row => (long)write.Execute(insert, row))));
        if (!salvage.Damaged)
        {
            return new TableSalvageResult(table, copied, read - copied);
        }

        return salvage.Count() is { } held && held >= read
            ? new TableSalvageResult(table, copied, held - copied)
            : new TableSalvageResult(table, copied, null, salvage.SkippedAtMost + (read - copied));
    }

    /// <summary>The table's columns, its primary key's columns (in key order), and whether it is a WITHOUT ROWID table.</summary>
    private static (List<string> Columns, List<string> PrimaryKey, bool WithoutRowId) Shape(SqliteConnection connection, string table)
    {
        var columns = new List<(string Name, long KeyPosition)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"PRAGMA table_info({table})";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                columns.Add((reader.GetString(1), reader.GetInt64(5)));
            }
        }

        using var sql = connection.CreateCommand();
        sql.CommandText = "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = $name";
        sql.Parameters.AddWithValue("$name", table);
        var withoutRowId = ((string)sql.ExecuteScalar()!).Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase);
        return ([.. columns.Select(c => c.Name)], [.. columns.Where(c => c.KeyPosition > 0).OrderBy(c => c.KeyPosition).Select(c => c.Name)], withoutRowId);
    }

    /// <summary>Makes the copy what the host expects of a file it wrote, and says what an operator will see of what was lost.</summary>
    private static async Task<List<string>> KeepHostRulesAsync(SqliteDatabase database, List<TableSalvageResult> tables)
    {
        var consequences = new List<string>();
        var orphans = database.Read(DataFileCheck.TwinsWithoutSnapshot);
        if (orphans.Count > 0)
        {
            var removed = await database.WriteAsync(write => orphans.Sum(twin =>
                TwinTables.Sum(table => (long)write.Execute($"DELETE FROM {table} WHERE twin_id = $p0", twin))));
            consequences.Add($"{orphans.Count} twin(s) lost their stored snapshot ({string.Join(", ", orphans.Take(5))}{(orphans.Count > 5 ? ", ..." : "")}): " +
                $"they start empty, and their {removed} journal rows were left out (a journal replays only on top of its snapshot)");
        }

        var gaps = database.Read(DataFileCheck.JournalGaps);
        if (gaps.Count > 0)
        {
            consequences.Add($"{gaps.Count} twin(s) lost journal records their snapshot does not cover ({string.Join(", ", gaps.Take(5).Select(g => g.TwinId))}" +
                $"{(gaps.Count > 5 ? ", ..." : "")}): each restarts from its stored snapshot and replays the records left, without the changes " +
                "the lost ones held; `data check` lists them until each twin's next snapshot covers its journal");
        }

        if (Lost(tables, "grain_state"))
        {
            consequences.Add("grains whose stored state (grain_state) was lost start empty: such a twin is made anew by its next delivery");
        }

        if (Lost(tables, "journal"))
        {
            consequences.Add("journal records were lost: a lost record a snapshot covers is missing from history (?asOf=) only; one it does not " +
                "cover is a change its twin restarts without (a twin's lost last records leave no gap to list)");
        }

        if (Lost(tables, "snapshot_archive"))
        {
            consequences.Add("archived snapshots were lost: history (?asOf=) before the remaining ones answers from fewer bases");
        }

        if (Lost(tables, "fleet_vehicles"))
        {
            consequences.Add("search (fleet_vehicles) lacks the vehicles whose rows were lost until their twins next activate (a twin projects itself then)");
        }

        if (Lost(tables, "alerts"))
        {
            consequences.Add("the alert inbox (alerts) lacks the alerts whose rows were lost until each alert next changes");
        }

        if (Lost(tables, "reminders"))
        {
            consequences.Add("lost reminders (command timeouts, outbox retries) are not made again by the recovery");
        }

        if (tables.All(t => t.Unreadable == 0) && consequences.Count == 0)
        {
            consequences.Add("every row was read: nothing was lost");
        }

        return consequences;
    }

    private static bool Lost(List<TableSalvageResult> tables, string table) => tables.Any(t => t.Table == table && t.Unreadable != 0);
}
