using FleetTwins.Postgres.Projection;
using FleetTwins.Sqlite.Projection;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orleans.Serialization;

namespace FleetTwins.Host.Migrate;

/// <summary>
/// <c>migrate --from-sqlite FILE</c>: copies an embedded data file into the cluster's PostgreSQL (schema applied first) —
/// grain states, the journal and what snapshots cover, archived snapshots, reminders, the fleet projection — in one transaction. Rows the
/// database holds already are kept (a second run copies nothing twice). The file is opened read-only; stop the
/// embedded host first so that nothing is written meanwhile.
/// </summary>
public sealed class SqliteImport(NpgsqlDataSource dataSource, Serializer serializer, string serviceId, ILogger logger)
{
    private static readonly (string Name, string Table, string Select, string Insert)[] Tables =
    [
        ("grain states", "grain_state", "SELECT state_name, grain_id, version, payload FROM grain_state",
            "INSERT INTO fleettwins_grain_state (service_id, state_name, grain_id, version, payload) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"),
        ("journal records", "journal", "SELECT twin_id, sequence, at, delivery_id, record FROM journal",
            "INSERT INTO fleettwins_journal (service_id, twin_id, sequence, at, delivery_id, record) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"),
        ("covered marks", "journal_covered", "SELECT twin_id, sequence FROM journal_covered",
            "INSERT INTO fleettwins_journal_covered (service_id, twin_id, sequence) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"),
        ("archived snapshots", "snapshot_archive", "SELECT twin_id, version, sequence, at, state FROM snapshot_archive",
            "INSERT INTO fleettwins_snapshot_archive (service_id, twin_id, version, sequence, at, state) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"),
        // Orleans' ADO.NET reminder table keeps the period in milliseconds and the grain hash as a signed integer.
        ("reminders", "reminders", "SELECT grain_id, reminder_name, start_at, period, grain_hash FROM reminders",
            "INSERT INTO orleansreminderstable (serviceid, grainid, remindername, starttime, period, grainhash, version) VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT DO NOTHING"),
    ];

    /// <summary>Copies the file; answers, per table, how many rows were copied of how many read.</summary>
    public async Task<IReadOnlyDictionary<string, (long Read, long Copied)>> RunAsync(string file, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"no SQLite data file at {Path.GetFullPath(file)}", file);
        }

        await using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        source.Open();
        await using var target = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await target.BeginTransactionAsync(cancellationToken);
        var counts = new Dictionary<string, (long, long)>();
        foreach (var (name, table, select, insert) in Tables)
        {
            // A file written before a table existed (snapshot_archive came with the history) has none of its rows.
            counts[name] = HasTable(source, table)
                ? await CopyAsync(source, target, transaction, select, insert, cancellationToken)
                : (0, 0);
        }

        counts["fleet projection rows"] = await CopyProjectionAsync(source, target, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var (name, (read, copied)) in counts)
        {
            logger.LogInformation("migrate --from-sqlite: {Copied} of {Read} {Table} copied from {File}", copied, read, name, Path.GetFullPath(file));
        }

        return counts;
    }

    private async Task<(long, long)> CopyAsync(SqliteConnection source, NpgsqlConnection target, NpgsqlTransaction transaction,
        string select, string insert, CancellationToken cancellationToken)
    {
        using var read = source.CreateCommand();
        read.CommandText = select;
        using var rows = read.ExecuteReader();
        await using var write = new NpgsqlCommand(insert, target, transaction);
        long seen = 0, copied = 0;
        while (rows.Read())
        {
            write.Parameters.Clear();
            write.Parameters.Add(new NpgsqlParameter { Value = serviceId });
            for (var i = 0; i < rows.FieldCount; i++)
            {
                write.Parameters.Add(new NpgsqlParameter { Value = Convert(rows.GetName(i), rows.IsDBNull(i) ? null : rows.GetValue(i)) });
            }

            seen++;
            copied += await write.ExecuteNonQueryAsync(cancellationToken);
        }

        return (seen, copied);
    }

    private static bool HasTable(SqliteConnection source, string table)
    {
        using var command = source.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", table);
        return (long)command.ExecuteScalar()! > 0;
    }

    /// <summary>SQLite keeps times as UTC ticks and periods as ticks; PostgreSQL takes timestamps and milliseconds.</summary>
    private static object Convert(string column, object? value) => (column, value) switch
    {
        (_, null) => DBNull.Value,
        ("at" or "start_at", long ticks) => new DateTime(ticks, DateTimeKind.Utc),
        ("period", long ticks) => (long)TimeSpan.FromTicks(ticks).TotalMilliseconds,
        ("grain_hash", long hash) => unchecked((int)(uint)hash),
        _ => value,
    };

    private async Task<(long, long)> CopyProjectionAsync(SqliteConnection source, NpgsqlConnection target, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        var summaries = SqliteFleetProjection.ReadAll(source, serializer);
        // The cluster projection's own upsert (a row only moves to a newer version), inside this transaction.
        foreach (var chunk in summaries.Chunk(1000))
        {
            await PostgresFleetProjection.UpsertAsync(target, transaction, chunk, cancellationToken);
        }

        return (summaries.Count, summaries.Count);
    }
}
