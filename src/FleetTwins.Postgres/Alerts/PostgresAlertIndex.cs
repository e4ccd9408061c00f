using System.Diagnostics;
using System.Text.Json;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Postgres.Projection;
using FleetTwins.Search.Alerts;
using FleetTwins.Search.Queries;
using Npgsql;
using NpgsqlTypes;

namespace FleetTwins.Postgres.Alerts;

/// <summary>
/// The alert index of the cluster profile: the <c>fleettwins_alerts</c> table (<c>deploy/sql/011</c>), one upsert per
/// write (a row only moves to a newer version), searched with parameterised SQL over its columns; the row's
/// <c>alert</c> column holds the whole alert as JSON.
/// </summary>
public sealed class PostgresAlertIndex(NpgsqlDataSource dataSource) : IAlertIndex
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The table's columns in order, each with its type and how a batch of alerts fills it.</summary>
    private static readonly (string Name, NpgsqlDbType Type, Func<IReadOnlyList<Alert>, Array> Values)[] Table =
    [
        ("id", NpgsqlDbType.Text, rows => rows.Select(a => a.Id).ToArray()),
        ("vehicle_id", NpgsqlDbType.Text, rows => rows.Select(a => a.VehicleId).ToArray()),
        ("origin", NpgsqlDbType.Text, rows => rows.Select(a => a.Origin).ToArray()),
        ("rule", NpgsqlDbType.Text, rows => rows.Select(a => a.Rule).ToArray()),
        ("severity", NpgsqlDbType.Text, rows => rows.Select(a => a.Severity).ToArray()),
        ("status", NpgsqlDbType.Text, rows => rows.Select(a => a.Status).ToArray()),
        ("raised_at", NpgsqlDbType.TimestampTz, rows => rows.Select(a => a.RaisedAt.UtcDateTime).ToArray()),
        ("updated_at", NpgsqlDbType.TimestampTz, rows => rows.Select(a => a.UpdatedAt.UtcDateTime).ToArray()),
        ("version", NpgsqlDbType.Bigint, rows => rows.Select(a => a.Version).ToArray()),
        ("alert", NpgsqlDbType.Jsonb, rows => rows.Select(a => JsonSerializer.Serialize(a, Json)).ToArray()),
    ];

    /// <summary>One statement per write: the arrays unnested into rows, each replacing only an older version.</summary>
    private static readonly string Upsert =
        $"INSERT INTO fleettwins_alerts ({string.Join(", ", Table.Select(c => $"\"{c.Name}\""))}) " +
        $"SELECT * FROM unnest({string.Join(", ", Table.Select(c => "@" + c.Name))}) " +
        $"ON CONFLICT (\"id\") DO UPDATE SET {string.Join(", ", Table.Skip(1).Select(c => $"\"{c.Name}\" = excluded.\"{c.Name}\""))} " +
        "WHERE fleettwins_alerts.\"version\" < excluded.\"version\"";

    /// <summary>How long a counted number of rows stands for the table's size: search costs need its order, not its last row.</summary>
    private static readonly TimeSpan RowsFresh = TimeSpan.FromSeconds(30);

    private Counted? rows;

    public async Task WriteAsync(IReadOnlyCollection<Alert> alerts, CancellationToken cancellationToken)
    {
        // One row per id per statement (ON CONFLICT cannot touch a row twice): the newest version wins.
        var newest = alerts.GroupBy(a => a.Id, StringComparer.Ordinal).Select(g => g.MaxBy(a => a.Version)!).ToList();
        if (newest.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand(Upsert);
        foreach (var (name, type, values) in Table)
        {
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | type) { Value = values(newest) });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Alert?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT \"alert\" FROM fleettwins_alerts WHERE \"id\" = @id");
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Text) { Value = id });
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? Read(json) : null;
    }

    /// <summary>An alert from its <c>alert</c> column; jsonb spaces out what it returns, so its values are compacted again as written.</summary>
    private static Alert Read(string json)
    {
        var alert = JsonSerializer.Deserialize<Alert>(json, Json)!;
        using var values = JsonDocument.Parse(alert.Values);
        return alert with { Values = JsonSerializer.Serialize(values.RootElement) };
    }

    public async Task<SearchPage<Alert>> SearchAsync(SearchQuery query, string? filterText, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var where = SqlFilter.Where(query.Filter, now);
        if (query.After is { } after)
        {
            where.AppendAfter(query.Sort, after);
        }

        await using var command = dataSource.CreateCommand(
            $"SELECT \"alert\" FROM fleettwins_alerts WHERE {where} ORDER BY {SqlFilter.OrderBy(query.Sort)} LIMIT {query.Limit + 1}");
        command.Parameters.AddRange(where.Parameters.ToArray());
        var items = new List<Alert>(Math.Min(query.Limit + 1, 1024));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(Read(reader.GetString(0)));
            }
        }

        if (items.Count <= query.Limit)
        {
            return new SearchPage<Alert>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new SearchPage<Alert>(items, PageCursor.After(query.Sort.Read(items[^1]), items[^1].Id, query.Sort, filterText).Encode());
    }

    public async Task<IReadOnlyDictionary<string, long>> CountOpenByRuleAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT \"rule\", count(*) FROM fleettwins_alerts WHERE \"rule\" IS NOT NULL AND \"status\" IN ('active', 'acknowledged') GROUP BY \"rule\"");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    public async ValueTask<long> EstimateRowsAsync(CancellationToken cancellationToken)
    {
        if (rows is { } last && Stopwatch.GetElapsedTime(last.At) < RowsFresh)
        {
            return last.Rows;
        }

        await using var command = dataSource.CreateCommand("SELECT count(*) FROM fleettwins_alerts");
        var counted = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        rows = new Counted(counted, Stopwatch.GetTimestamp());
        return counted;
    }

    private sealed record Counted(long Rows, long At);
}
