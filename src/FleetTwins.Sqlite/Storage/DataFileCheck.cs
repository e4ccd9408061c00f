using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Storage;

/// <summary>What <see cref="DataFileCheck"/> did (one line per check) and what it found wrong (one line per problem).</summary>
public sealed record DataFileCheckResult(IReadOnlyList<string> Checked, IReadOnlyList<string> Problems)
{
    /// <summary>Nothing wrong was found.</summary>
    public bool Healthy => Problems.Count == 0;
}

/// <summary>A twin whose journal lacks records its stored snapshot does not cover: <see cref="Held"/> of <see cref="Covered"/>+1 .. <see cref="Last"/>.</summary>
public sealed record JournalGap(string TwinId, long Covered, long Held, long Last)
{
    public override string ToString() =>
        $"journal of twin {TwinId}: holds {Held} of the records {Covered + 1}..{Last} its snapshot does not cover ({Last - Covered - Held} missing)";
}

/// <summary>
/// Checks a data file the way an operator of a SQLite product would, whether or not a host has it open (read only):
/// SQLite's full <c>PRAGMA integrity_check</c>, the schema (<see cref="SqliteSchema"/>'s version and tables), and what
/// FleetTwins' own writes make true of the journal: a twin's records start after what its snapshot covers
/// (<c>journal_covered</c>: retention deletes only below it) and follow on without a gap (a twin appends one at a time,
/// each after the last committed); and a twin's first record is written after its first snapshot, so every twin with
/// journal records, covered marks or archived snapshots has a stored snapshot (<c>grain_state</c>).
/// </summary>
public static class DataFileCheck
{
    /// <summary>Problem lines beyond this many of one kind are counted, not listed.</summary>
    private const int Listed = 100;

    /// <summary>A twin's stored snapshot: the <c>grain_state</c> row whose grain id (<c>type/key</c>) has the twin's id as key.</summary>
    private const string StoredTwins = "SELECT substr(grain_id, instr(grain_id, '/') + 1) FROM grain_state";

    private const string GapsSql = """
        SELECT j.twin_id, coalesce(c.sequence, 0), count(*), max(j.sequence)
        FROM journal j LEFT JOIN journal_covered c ON c.twin_id = j.twin_id
        WHERE j.sequence > coalesce(c.sequence, 0)
        GROUP BY j.twin_id
        HAVING count(*) <> max(j.sequence) - coalesce(c.sequence, 0)
        ORDER BY j.twin_id
        """;

    /// <summary>Checks <paramref name="path"/>; a file that cannot be read at all is a <see cref="DataFileException"/>.</summary>
    public static DataFileCheckResult Run(string path)
    {
        using var connection = ReadOnlyDataFile.Open(Path.GetFullPath(path));
        var checks = new List<string>();
        var problems = new List<string>();
        Integrity(connection, checks, problems);
        try
        {
            if (Schema(connection, checks, problems))
            {
                Journal(connection, checks, problems);
            }
        }
        catch (SqliteException e)
        {
            problems.Add("the tables cannot be read (" + e.Message + ")");
        }

        return new DataFileCheckResult(checks, problems);
    }

    /// <summary>Twins with rows in the journal tables but no stored snapshot, whose records no activation can replay.</summary>
    internal static List<string> TwinsWithoutSnapshot(SqliteConnection connection)
    {
        var tables = ReadOnlyDataFile.Tables(connection);
        var owners = string.Join(" UNION ", new[] { "journal", "journal_covered", "snapshot_archive" }
            .Where(tables.Contains).Select(table => $"SELECT twin_id FROM {table}"));
        return SqliteDatabase.Strings(connection, $"SELECT twin_id FROM ({owners}) WHERE twin_id NOT IN ({StoredTwins}) ORDER BY twin_id");
    }

    /// <summary>Twins whose journal lacks records after what their snapshot covers.</summary>
    internal static List<JournalGap> JournalGaps(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = GapsSql;
        using var reader = command.ExecuteReader();
        var gaps = new List<JournalGap>();
        while (reader.Read())
        {
            gaps.Add(new JournalGap(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return gaps;
    }

    private static void Integrity(SqliteConnection connection, List<string> checks, List<string> problems)
    {
        try
        {
            var found = SqliteDatabase.Strings(connection, $"PRAGMA integrity_check({Listed})");
            if (found is ["ok"])
            {
                checks.Add($"integrity_check: ok ({SqliteDatabase.Scalar<long>(connection, "PRAGMA page_count")} pages)");
                return;
            }

            checks.Add($"integrity_check: {found.Count} problem(s){(found.Count == Listed ? " (the first " + Listed + ")" : "")}");
            problems.AddRange(found.Select(problem => "integrity_check: " + problem));
        }
        catch (SqliteException e)
        {
            checks.Add("integrity_check: could not run");
            problems.Add("integrity_check: the file cannot be read (" + e.Message + ")");
        }
    }

    /// <summary>Checks the schema version and tables; answers whether the journal's tables are there to check.</summary>
    private static bool Schema(SqliteConnection connection, List<string> checks, List<string> problems)
    {
        var version = SqliteDatabase.Scalar<long>(connection, "PRAGMA user_version");
        if (version > SqliteSchema.Version)
        {
            problems.Add($"schema version {version} is newer than this build's {SqliteSchema.Version}: check it with the FleetTwins that wrote it");
            return false;
        }

        var tables = ReadOnlyDataFile.Tables(connection);
        var expected = ExpectedTables();
        var missing = version == SqliteSchema.Version ? expected.Except(tables).ToList() : [];
        problems.AddRange(missing.Select(table => $"schema: table {table} is missing"));
        checks.Add(version == SqliteSchema.Version
            ? $"schema: version {version}, {expected.Count - missing.Count} of {expected.Count} tables"
            : $"schema: version {version} of {SqliteSchema.Version} (the host brings it up to date when it next starts)");
        return tables.Contains("journal") && tables.Contains("journal_covered") && tables.Contains("grain_state");
    }

    private static void Journal(SqliteConnection connection, List<string> checks, List<string> problems)
    {
        var orphans = TwinsWithoutSnapshot(connection);
        Add(problems, orphans.Select(twin => $"twin {twin} has journal rows but no stored snapshot (grain_state): they cannot be replayed"));
        var gaps = JournalGaps(connection);
        Add(problems, gaps.Select(gap => gap.ToString()));
        var twins = SqliteDatabase.Scalar<long>(connection, "SELECT count(DISTINCT twin_id) FROM journal");
        checks.Add($"journal: {twins} twin(s); {orphans.Count} without a stored snapshot, {gaps.Count} with missing records");
    }

    private static void Add(List<string> problems, IEnumerable<string> found)
    {
        var all = found.ToList();
        problems.AddRange(all.Take(Listed));
        if (all.Count > Listed)
        {
            problems.Add($"... and {all.Count - Listed} more like the one above");
        }
    }

    /// <summary>The tables a file of this build's schema has, from the schema itself (applied to an empty database).</summary>
    private static List<string> ExpectedTables()
    {
        using var empty = new SqliteConnection("Data Source=:memory:");
        empty.Open();
        SqliteSchema.Apply(empty);
        return ReadOnlyDataFile.Tables(empty);
    }
}
