using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Storage;

/// <summary>
/// What was saved of one table: rows copied, and rows that could not be read (<c>null</c>: how many is not known; then
/// <see cref="UnreadableAtMost"/> bounds them when the table's rowids do).
/// </summary>
public sealed record TableSalvageResult(string Table, long Copied, long? Unreadable, long? UnreadableAtMost = null, bool InSource = true)
{
    public override string ToString() => !InSource
        ? $"{Table}: not in the damaged file (an older schema): left empty"
        : (Unreadable, UnreadableAtMost) switch
        {
            (0, _) => $"{Table}: {Copied} rows copied",
            ({ } lost, _) => $"{Table}: {Copied} rows copied, {lost} could not be read",
            (null, { } most) => $"{Table}: {Copied} rows copied, at most {most} could not be read (the rowids the damaged pages held)",
            (null, null) => $"{Table}: {Copied} rows copied, an unknown number could not be read (the damaged pages held them)",
        };
}

/// <summary>
/// Reads one table of a damaged file in key order, in ranges, skipping what fails to read. A read that fails ends its
/// range; the next starts past the damage: for a rowid table at the first rowid a seek reads again (found by doubling,
/// then halving, the distance); for a table keyed by its primary key (WITHOUT ROWID, keys are text) from the table's
/// end backwards, so the rows between the first and the last damage of such a table are lost.
/// </summary>
internal sealed class TableSalvage
{
    private const int RangeSize = 500;

    private readonly SqliteConnection source;
    private readonly string table;
    private readonly string[] key;
    private readonly string select;

    public TableSalvage(SqliteConnection source, string table, IReadOnlyList<string> columns, IReadOnlyList<string> primaryKey, bool withoutRowId)
    {
        this.source = source;
        this.table = table;
        key = withoutRowId ? [.. primaryKey] : ["rowid"];
        select = $"SELECT {string.Join(", ", key.Concat(columns))} FROM {table}";
    }

    /// <summary>Whether a read failed on the way.</summary>
    public bool Damaged { get; private set; }

    /// <summary>How many rows at most were passed over (rowids skipped), null when not known (keys that are not rowids, or no end found).</summary>
    public long? SkippedAtMost { get; private set; } = 0;

    /// <summary>
    /// Hands each range of readable rows (the values of the table's columns, in order) to <paramref name="copy"/>; answers
    /// how many rows were read.
    /// </summary>
    public async Task<long> ReadAsync(Func<List<object[]>, Task> copy)
    {
        long read = 0;
        object[]? after = null;
        long resumed = 0;
        while (true)
        {
            var (rows, failed) = Range(after, before: null, descending: false);
            read += rows.Count;
            await copy(rows.ConvertAll(Values));
            after = rows.Count > 0 ? Key(rows[^1]) : after;
            if (!failed && rows.Count < RangeSize)
            {
                return read;
            }

            if (!failed)
            {
                continue;
            }

            Damaged = true;
            if (key is ["rowid"])
            {
                // Rowids SQLite assigns start at 1; past the last resumption, so that each search moves on.
                var last = after is null ? 0 : (long)after[0];
                if (NextReadableRowId(Math.Max(last, resumed)) is not { } next)
                {
                    SkippedAtMost = null;
                    return read;
                }

                // Every rowid up to the one before next was read or is counted here, once.
                SkippedAtMost += next - 1 - last;
                resumed = next;
                after = [next - 1];
                continue;
            }

            SkippedAtMost = null;
            return read + await ReadBackwardsAsync(after, copy);
        }
    }

    /// <summary>How many rows the table holds, when SQLite can count them: from one of its indexes that is intact.</summary>
    public long? Count()
    {
        foreach (var index in Indexes().Append(""))
        {
            try
            {
                return SqliteDatabase.Scalar<long>(source, $"SELECT count(*) FROM {table}{(index.Length > 0 ? " INDEXED BY " + index : "")}");
            }
            catch (SqliteException)
            {
                // That index is damaged too: the next may not be.
            }
        }

        return null;
    }

    private List<string> Indexes()
    {
        try
        {
            using var command = source.CreateCommand();
            command.CommandText = "SELECT name FROM pragma_index_list($table)";
            command.Parameters.AddWithValue("$table", table);
            using var reader = command.ExecuteReader();
            var indexes = new List<string>();
            while (reader.Read())
            {
                indexes.Add(reader.GetString(0));
            }

            return indexes;
        }
        catch (SqliteException)
        {
            return [];
        }
    }

    /// <summary>From the end of the table back to <paramref name="after"/> (the last key read forwards), until a read fails.</summary>
    private async Task<long> ReadBackwardsAsync(object[]? after, Func<List<object[]>, Task> copy)
    {
        long read = 0;
        object[]? before = null;
        while (true)
        {
            var (rows, failed) = Range(after, before, descending: true);
            read += rows.Count;
            await copy(rows.ConvertAll(Values));
            before = rows.Count > 0 ? Key(rows[^1]) : before;
            if (failed || rows.Count < RangeSize)
            {
                return read;
            }
        }
    }

    /// <summary>
    /// The first rowid after <paramref name="after"/> from which rows read again: a seek lands past the damaged pages
    /// once it asks for a rowid beyond them. Null when none does.
    /// </summary>
    private long? NextReadableRowId(long after)
    {
        var failing = after;
        long step = 1;
        long? readable = null;
        while (readable is null)
        {
            var probe = step > long.MaxValue - failing ? long.MaxValue : failing + step;
            if (Readable(probe))
            {
                readable = probe;
            }
            else if (probe == long.MaxValue)
            {
                return null;
            }
            else
            {
                failing = probe;
                step = step > long.MaxValue / 2 ? long.MaxValue : step * 2;
            }
        }

        // The first readable rowid lies in (failing, readable]: halve the distance.
        var found = readable.Value;
        while (found - failing > 1)
        {
            var middle = failing + (found - failing) / 2;
            if (Readable(middle))
            {
                found = middle;
            }
            else
            {
                failing = middle;
            }
        }

        return found;
    }

    /// <summary>Whether the row at or after <paramref name="rowId"/> (or the table's end) reads, all its columns.</summary>
    private bool Readable(long rowId)
    {
        var (_, failed) = Range([rowId - 1], before: null, descending: false, limit: 1);
        return !failed;
    }

    /// <summary>Up to <paramref name="limit"/> rows with keys between <paramref name="after"/> and <paramref name="before"/>; whether a read failed after them.</summary>
    private (List<object[]> Rows, bool Failed) Range(object[]? after, object[]? before, bool descending, int limit = RangeSize)
    {
        var rows = new List<object[]>();
        using var command = source.CreateCommand();
        var keys = $"({string.Join(", ", key)})";
        var where = new List<string>();
        if (after is not null)
        {
            where.Add($"{keys} > ({Parameters(command, "a", after)})");
        }

        if (before is not null)
        {
            where.Add($"{keys} < ({Parameters(command, "b", before)})");
        }

        command.CommandText = $"{select}{(where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")} " +
            $"ORDER BY {string.Join(", ", key.Select(k => descending ? k + " DESC" : k))} LIMIT {limit}";
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var row = new object[reader.FieldCount];
                reader.GetValues(row);
                rows.Add(row);
            }

            return (rows, false);
        }
        catch (SqliteException)
        {
            return (rows, true);
        }
    }

    private static string Parameters(SqliteCommand command, string prefix, object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue($"${prefix}{i}", values[i]);
        }

        return string.Join(", ", values.Select((_, i) => $"${prefix}{i}"));
    }

    private object[] Key(object[] row) => row[..key.Length];

    private object[] Values(object[] row) => row[key.Length..];
}
