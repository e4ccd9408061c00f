using FleetTwins.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;
using Npgsql;
using NpgsqlTypes;

namespace FleetTwins.Search.Projection;

/// <summary>
/// The projection of the cluster profile: the <c>fleettwins_vehicles</c> table (<c>deploy/sql/005</c>), written in
/// batches (one upsert per batch; a row only moves to a newer version) and searched with parameterised SQL.
/// </summary>
public sealed class PostgresFleetProjection(NpgsqlDataSource dataSource) : IFleetProjection
{
    private const string Columns =
        "\"id\", \"version\", \"vin\", \"make\", \"model\", \"online\", \"last_seen_at\", \"offline_since\", \"soc\", \"charging\", \"plug\", " +
        "\"latitude\", \"longitude\", \"odometer_km\", \"range_km\", \"rental\", \"alerts\", \"high_alerts\", \"updated_at\"";

    private const string Upsert =
        $"""
        INSERT INTO fleettwins_vehicles ({Columns})
        SELECT * FROM unnest(@id, @version, @vin, @make, @model, @online, @last_seen_at, @offline_since, @soc, @charging, @plug,
                             @latitude, @longitude, @odometer_km, @range_km, @rental, @alerts, @high_alerts, @updated_at)
        ON CONFLICT ("id") DO UPDATE SET
            "version" = excluded."version", "vin" = excluded."vin", "make" = excluded."make", "model" = excluded."model",
            "online" = excluded."online", "last_seen_at" = excluded."last_seen_at", "offline_since" = excluded."offline_since",
            "soc" = excluded."soc", "charging" = excluded."charging", "plug" = excluded."plug",
            "latitude" = excluded."latitude", "longitude" = excluded."longitude", "odometer_km" = excluded."odometer_km",
            "range_km" = excluded."range_km", "rental" = excluded."rental", "alerts" = excluded."alerts",
            "high_alerts" = excluded."high_alerts", "updated_at" = excluded."updated_at"
        WHERE fleettwins_vehicles."version" < excluded."version"
        """;

    public async Task WriteAsync(IReadOnlyCollection<VehicleSummary> upserts, IReadOnlyCollection<string> removals, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        if (upserts.Count > 0)
        {
            // One row per id per statement (ON CONFLICT cannot touch a row twice): the newest version wins.
            var rows = upserts.GroupBy(v => v.Id, StringComparer.Ordinal).Select(g => g.MaxBy(v => v.Version)!).ToList();
            var command = new NpgsqlBatchCommand(Upsert);
            Add(command, "id", NpgsqlDbType.Text, rows.Select(v => v.Id));
            Add(command, "version", NpgsqlDbType.Bigint, rows.Select(v => v.Version));
            Add(command, "vin", NpgsqlDbType.Text, rows.Select(v => v.Vin));
            Add(command, "make", NpgsqlDbType.Text, rows.Select(v => v.Make));
            Add(command, "model", NpgsqlDbType.Text, rows.Select(v => v.Model));
            Add(command, "online", NpgsqlDbType.Boolean, rows.Select(v => v.Online));
            Add(command, "last_seen_at", NpgsqlDbType.TimestampTz, rows.Select(v => v.LastSeenAt?.UtcDateTime));
            Add(command, "offline_since", NpgsqlDbType.TimestampTz, rows.Select(v => v.OfflineSince?.UtcDateTime));
            Add(command, "soc", NpgsqlDbType.Double, rows.Select(v => v.Soc));
            Add(command, "charging", NpgsqlDbType.Text, rows.Select(v => v.Charging));
            Add(command, "plug", NpgsqlDbType.Text, rows.Select(v => v.Plug));
            Add(command, "latitude", NpgsqlDbType.Double, rows.Select(v => v.Latitude));
            Add(command, "longitude", NpgsqlDbType.Double, rows.Select(v => v.Longitude));
            Add(command, "odometer_km", NpgsqlDbType.Double, rows.Select(v => v.Odometer));
            Add(command, "range_km", NpgsqlDbType.Double, rows.Select(v => v.Range));
            Add(command, "rental", NpgsqlDbType.Boolean, rows.Select(v => v.Rental));
            Add(command, "alerts", NpgsqlDbType.Integer, rows.Select(v => v.Alerts));
            Add(command, "high_alerts", NpgsqlDbType.Integer, rows.Select(v => v.HighAlerts));
            Add(command, "updated_at", NpgsqlDbType.TimestampTz, rows.Select(v => v.UpdatedAt.UtcDateTime));
            batch.BatchCommands.Add(command);
        }

        if (removals.Count > 0)
        {
            var command = new NpgsqlBatchCommand("DELETE FROM fleettwins_vehicles WHERE \"id\" = ANY(@ids)");
            Add(command, "ids", NpgsqlDbType.Text, removals);
            batch.BatchCommands.Add(command);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<SearchPage> SearchAsync(SearchQuery query, string? filterText, DateTimeOffset now, CancellationToken cancellationToken)
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
            return new SearchPage(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new SearchPage(items, PageCursor.After(items[^1], query.Sort, filterText).Encode());
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
    };

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) =>
        r.IsDBNull(i) ? null : new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc));

    private static double? Number(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static void Add<T>(NpgsqlBatchCommand command, string name, NpgsqlDbType type, IEnumerable<T> values) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | type) { Value = values.ToArray() });
}
