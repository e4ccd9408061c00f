using System.Diagnostics;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Projection;
using FleetTwins.Search.Queries;
using Npgsql;
using NpgsqlTypes;

namespace FleetTwins.Postgres.Projection;

/// <summary>
/// The projection of the cluster profile: the <c>fleettwins_vehicles</c> table (<c>deploy/sql/005</c>, <c>010</c>, <c>012</c>), written in
/// batches (one upsert per batch; a row only moves to a newer version) and searched with parameterised SQL.
/// </summary>
public sealed class PostgresFleetProjection(NpgsqlDataSource dataSource) : IFleetProjection
{
    /// <summary>How long a counted number of rows stands for the table's size: search costs need its order, not its last row.</summary>
    private static readonly TimeSpan RowsFresh = TimeSpan.FromSeconds(30);

    private Counted? rows;
    /// <summary>
    /// The table's columns in order, each with its type, how a batch of summaries fills it and what turns the
    /// unnested value into the column's (the geofence ids and tags travel as array literals: unnest flattens an array of arrays).
    /// </summary>
    private static readonly (string Name, NpgsqlDbType Type, Func<IReadOnlyList<VehicleSummary>, Array> Values, string Cast)[] Table =
    [
        ("id", NpgsqlDbType.Text, rows => rows.Select(v => v.Id).ToArray(), ""),
        ("version", NpgsqlDbType.Bigint, rows => rows.Select(v => v.Version).ToArray(), ""),
        ("vin", NpgsqlDbType.Text, rows => rows.Select(v => v.Vin).ToArray(), ""),
        ("make", NpgsqlDbType.Text, rows => rows.Select(v => v.Make).ToArray(), ""),
        ("model", NpgsqlDbType.Text, rows => rows.Select(v => v.Model).ToArray(), ""),
        ("online", NpgsqlDbType.Boolean, rows => rows.Select(v => v.Online).ToArray(), ""),
        ("last_seen_at", NpgsqlDbType.TimestampTz, rows => rows.Select(v => v.LastSeenAt?.UtcDateTime).ToArray(), ""),
        ("offline_since", NpgsqlDbType.TimestampTz, rows => rows.Select(v => v.OfflineSince?.UtcDateTime).ToArray(), ""),
        ("soc", NpgsqlDbType.Double, rows => rows.Select(v => v.Soc).ToArray(), ""),
        ("charging", NpgsqlDbType.Text, rows => rows.Select(v => v.Charging).ToArray(), ""),
        ("plug", NpgsqlDbType.Text, rows => rows.Select(v => v.Plug).ToArray(), ""),
        ("latitude", NpgsqlDbType.Double, rows => rows.Select(v => v.Latitude).ToArray(), ""),
        ("longitude", NpgsqlDbType.Double, rows => rows.Select(v => v.Longitude).ToArray(), ""),
        ("odometer_km", NpgsqlDbType.Double, rows => rows.Select(v => v.Odometer).ToArray(), ""),
        ("range_km", NpgsqlDbType.Double, rows => rows.Select(v => v.Range).ToArray(), ""),
        ("rental", NpgsqlDbType.Boolean, rows => rows.Select(v => v.Rental).ToArray(), ""),
        ("alerts", NpgsqlDbType.Integer, rows => rows.Select(v => v.Alerts).ToArray(), ""),
        ("high_alerts", NpgsqlDbType.Integer, rows => rows.Select(v => v.HighAlerts).ToArray(), ""),
        ("updated_at", NpgsqlDbType.TimestampTz, rows => rows.Select(v => v.UpdatedAt.UtcDateTime).ToArray(), ""),
        ("geofences", NpgsqlDbType.Text, rows => rows.Select(v => ArrayLiteral(v.Geofences)).ToArray(), "::text[]"),
        ("name", NpgsqlDbType.Text, rows => rows.Select(v => v.Name).ToArray(), ""),
        ("plate", NpgsqlDbType.Text, rows => rows.Select(v => v.Plate).ToArray(), ""),
        ("group", NpgsqlDbType.Text, rows => rows.Select(v => v.Group).ToArray(), ""),
        ("tags", NpgsqlDbType.Text, rows => rows.Select(v => ArrayLiteral(v.Tags)).ToArray(), "::text[]"),
    ];

    private static readonly string Columns = string.Join(", ", Table.Select(c => $"\"{c.Name}\""));

    /// <summary>
    /// One statement per batch: the arrays unnested into rows, each replacing an older version, or the same version when
    /// its values differ (a row written before a column existed is filled when its twin is next active and re-projects).
    /// </summary>
    private static readonly string Upsert =
        $"INSERT INTO fleettwins_vehicles ({Columns}) SELECT {string.Join(", ", Table.Select(c => $"u.\"{c.Name}\"{c.Cast}"))} " +
        $"FROM unnest({string.Join(", ", Table.Select(c => "@" + c.Name))}) AS u({Columns}) " +
        $"ON CONFLICT (\"id\") DO UPDATE SET {string.Join(", ", Table.Skip(1).Select(c => $"\"{c.Name}\" = excluded.\"{c.Name}\""))} " +
        $"WHERE fleettwins_vehicles.\"version\" < excluded.\"version\" OR (fleettwins_vehicles.\"version\" = excluded.\"version\" " +
        $"AND ({string.Join(", ", Table.Skip(2).Select(c => $"fleettwins_vehicles.\"{c.Name}\""))}) " +
        $"IS DISTINCT FROM ({string.Join(", ", Table.Skip(2).Select(c => $"excluded.\"{c.Name}\""))}))";

    public async Task WriteAsync(IReadOnlyCollection<VehicleSummary> upserts, IReadOnlyCollection<string> removals, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        if (upserts.Count > 0)
        {
            var command = new NpgsqlBatchCommand(Upsert);
            AddUpsertParameters(command.Parameters, NewestPerId(upserts));
            batch.BatchCommands.Add(command);
        }

        if (removals.Count > 0)
        {
            var command = new NpgsqlBatchCommand("DELETE FROM fleettwins_vehicles WHERE \"id\" = ANY(@ids)");
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = removals.ToArray() });
            batch.BatchCommands.Add(command);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The same upsert as <see cref="WriteAsync"/>, on a caller's connection and transaction (the <c>migrate --from-sqlite</c> copy).</summary>
    public static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<VehicleSummary> upserts,
        CancellationToken cancellationToken)
    {
        var rows = NewestPerId(upserts);
        if (rows.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(Upsert, connection, transaction);
        AddUpsertParameters(command.Parameters, rows);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One row per id per statement (ON CONFLICT cannot touch a row twice): the newest version wins.</summary>
    private static List<VehicleSummary> NewestPerId(IEnumerable<VehicleSummary> upserts) =>
        upserts.GroupBy(v => v.Id, StringComparer.Ordinal).Select(g => g.MaxBy(v => v.Version)!).ToList();

    /// <summary>The <see cref="Upsert"/> statement's arrays, a column each.</summary>
    private static void AddUpsertParameters(NpgsqlParameterCollection parameters, List<VehicleSummary> rows)
    {
        foreach (var (name, type, values, _) in Table)
        {
            parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | type) { Value = values(rows) });
        }
    }

    public async Task<SearchPage<VehicleSummary>> SearchAsync(SearchQuery query, string? filterText, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var where = SqlFilter.Where(query.Filter, now);
        if (query.After is { } after)
        {
            where.AppendAfter(query.Sort, after);
        }

        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM fleettwins_vehicles WHERE {where} ORDER BY {SqlFilter.OrderBy(query.Sort)} LIMIT {query.Limit + 1}");
        command.Parameters.AddRange(where.Parameters.ToArray());
        var items = new List<VehicleSummary>(Math.Min(query.Limit + 1, 1024));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(Read(reader));
            }
        }

        if (items.Count <= query.Limit)
        {
            return new SearchPage<VehicleSummary>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new SearchPage<VehicleSummary>(items, PageCursor.After(query.Sort.Read(items[^1]), items[^1].Id, query.Sort, filterText).Encode());
    }

    public async Task<FleetAggregates> AggregateAsync(Filter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var where = SqlFilter.Where(filter, now);
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT "charging", count(*), count(*) FILTER (WHERE "online"), sum("soc"), count("soc")
            FROM fleettwins_vehicles WHERE {where} GROUP BY "charging"
            """);
        command.Parameters.AddRange(where.Parameters.ToArray());
        long count = 0, online = 0, socCount = 0;
        double socSum = 0;
        var byCharging = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var group = reader.GetInt64(1);
            byCharging[reader.IsDBNull(0) ? FleetAggregates.UnknownCharging : reader.GetString(0)] = group;
            count += group;
            online += reader.GetInt64(2);
            socSum += reader.IsDBNull(3) ? 0 : reader.GetDouble(3);
            socCount += reader.GetInt64(4);
        }

        return new FleetAggregates(count, online, count == 0 ? null : (double)online / count, socCount == 0 ? null : socSum / socCount, byCharging);
    }

    public async ValueTask<long> EstimateRowsAsync(CancellationToken cancellationToken)
    {
        if (rows is { } last && Stopwatch.GetElapsedTime(last.At) < RowsFresh)
        {
            return last.Rows;
        }

        await using var command = dataSource.CreateCommand("SELECT count(*) FROM fleettwins_vehicles");
        var counted = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        rows = new Counted(counted, Stopwatch.GetTimestamp());
        return counted;
    }

    private sealed record Counted(long Rows, long At);

    private static VehicleSummary Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        Version = r.GetInt64(1),
        Vin = r.IsDBNull(2) ? null : r.GetString(2),
        Make = r.IsDBNull(3) ? null : r.GetString(3),
        Model = r.IsDBNull(4) ? null : r.GetString(4),
        Online = r.GetBoolean(5),
        LastSeenAt = Time(r, 6),
        OfflineSince = Time(r, 7),
        Soc = Number(r, 8),
        Charging = r.IsDBNull(9) ? null : r.GetString(9),
        Plug = r.IsDBNull(10) ? null : r.GetString(10),
        Latitude = Number(r, 11),
        Longitude = Number(r, 12),
        Odometer = Number(r, 13),
        Range = Number(r, 14),
        Rental = r.GetBoolean(15),
        Alerts = r.GetInt32(16),
        HighAlerts = r.GetInt32(17),
        UpdatedAt = Time(r, 18)!.Value,
        Geofences = r.GetFieldValue<string[]>(19) is { Length: > 0 } ids ? ids : [],
        Name = r.IsDBNull(20) ? null : r.GetString(20),
        Plate = r.IsDBNull(21) ? null : r.GetString(21),
        Group = r.IsDBNull(22) ? null : r.GetString(22),
        Tags = r.GetFieldValue<string[]>(23) is { Length: > 0 } tags ? tags : [],
    };

    /// <summary>PostgreSQL's text form of a <c>text[]</c>, every element quoted and escaped: a value, never SQL.</summary>
    private static string ArrayLiteral(IReadOnlyList<string> ids) =>
        "{" + string.Join(",", ids.Select(id => "\"" + id.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"")) + "}";

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) =>
        r.IsDBNull(i) ? null : new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc));

    private static double? Number(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
}
