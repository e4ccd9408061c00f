using FleetTwins.Abstractions.Fleet;
using FleetTwins.Postgres.Projection;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;
using FleetTwins.Search.Tests;

namespace FleetTwins.Postgres.Tests;

/// <summary>The SQL translation of the conditions of "now", of geofences and of other catalogues.</summary>
public sealed class SqlFilterTests(ProjectionDatabase database) : IClassFixture<ProjectionDatabase>
{
    private static readonly DateTimeOffset Now = Generators.Now;

    /// <summary>A record of another kind, as the alerts list would filter: its catalogue names its columns.</summary>
    private sealed record Ticket(string Status, string Severity, DateTimeOffset RaisedAt);

    private static readonly FieldCatalogue<Ticket> Tickets = new(
    [
        new("status", FieldType.Text, "status", t => t.Status),
        new("severity", FieldType.Text, "severity", t => t.Severity),
        new("raisedAt", FieldType.Time, "raised_at", t => t.RaisedAt),
    ]);

    [Fact]
    public void Now_and_the_clock_are_parameters_never_sql()
    {
        var where = SqlFilter.Where(FilterParser.Parse("lastSeenAt < now() - 10m and localTime between 07:00 and 19:00"), Now);
        Assert.Equal("(coalesce(\"last_seen_at\" < @p0, false) AND @p1)", where.ToString());
        Assert.Equal(Now.AddMinutes(-10).UtcDateTime, where.Parameters[0].Value);
        Assert.Equal(true, where.Parameters[1].Value);
    }

    [Fact]
    public void Changed_is_refused_it_is_only_for_rules()
    {
        var rules = new FilterContext(TimeZoneInfo.Utc, AllowsChanged: true);
        var e = Assert.Throws<FilterException>(() => SqlFilter.Where(FilterParser.Parse("soc < 5 or changed(soc)", rules), Now));
        Assert.Equal(12, e.Position);
        Assert.Contains("changed() is only for rules", e.Message);
    }

    /// <summary>Geofence ids travel as array literals: quotes, backslashes, braces and the word NULL stay data.</summary>
    [Fact]
    public async Task Geofence_ids_round_trip_and_match_only_themselves()
    {
        var projection = new PostgresFleetProjection(database.DataSource);
        await database.DataSource.CreateCommand("TRUNCATE fleettwins_vehicles").ExecuteNonQueryAsync();
        string[][] geofences = [["a\"b", "c\\d"], ["{x}", "a,b", "NULL"], ["' OR '1'='1", "Zoné"], [""], []];
        var fleet = geofences.Select((ids, i) => new VehicleSummary { Id = $"v{i}", Version = 1, UpdatedAt = Now, Geofences = ids }).ToList();
        await projection.WriteAsync(fleet, [], CancellationToken.None);

        Assert.Equal(fleet, await Paging.ReadAllPagesAsync(projection, Filter.All, SortOrder.ById, 50));
        foreach (var id in geofences.SelectMany(ids => ids).Append("NUL").Append("x"))
        {
            var inside = new Inside(Fields.Geofences, id);
            var found = await Paging.ReadAllPagesAsync(projection, inside, SortOrder.ById, 50);
            Assert.Equal(fleet.Where(v => FilterEvaluator.Matches(inside, v, Now)).Select(v => v.Id), found.Select(v => v.Id));
        }
    }

    [Fact]
    public async Task Plate_group_and_tags_round_trip_and_mean_in_sql_what_they_mean_in_memory()
    {
        var projection = new PostgresFleetProjection(database.DataSource);
        await database.DataSource.CreateCommand("TRUNCATE fleettwins_vehicles").ExecuteNonQueryAsync();
        var fleet = new List<VehicleSummary>
        {
            new() { Id = "v0", Version = 1, UpdatedAt = Now, Name = "Van 12", Plate = "B-FT 123", Group = "vans", Tags = ["depot-a", "night"] },
            new() { Id = "v1", Version = 1, UpdatedAt = Now, Plate = "b-ft 123", Group = "Vans", Tags = ["a\"b", "NULL", "{x}"] },
            new() { Id = "v2", Version = 1, UpdatedAt = Now },
        };
        await projection.WriteAsync(fleet, [], CancellationToken.None);

        Assert.Equal(fleet, await Paging.ReadAllPagesAsync(projection, Filter.All, SortOrder.ById, 50));
        Assert.Equal("coalesce(\"tags\" @> ARRAY[@p0], false)", SqlFilter.Where(FilterParser.Parse("tags has depot-a"), Now).ToString());
        foreach (var text in new[]
                 {
                     "plate = \"B-FT 123\"", "tags has \"depot-a\"", "group = vans", "not tags has night", "tags has NULL", "group != vans",
                     "name = null", "plate > \"a\"", "group in (vans, Vans) and not tags has x",
                 })
        {
            var filter = FilterParser.Parse(text);
            var found = await Paging.ReadAllPagesAsync(projection, filter, SortOrder.Parse("-plate"), 2);
            Assert.Equal(BruteForce.Search(fleet, filter, SortOrder.Parse("-plate"), Now), found.Select(v => v.Id).ToList());
        }
    }

    [Fact]
    public async Task A_second_catalogue_translates_to_its_own_columns_with_the_same_meaning()
    {
        await database.DataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS tickets (status text COLLATE "C" NOT NULL, severity text COLLATE "C" NOT NULL, raised_at timestamptz NOT NULL);
            TRUNCATE tickets;
            """).ExecuteNonQueryAsync();
        Ticket[] tickets =
        [
            new("active", "critical", Now.AddMinutes(-5)),
            new("active", "info", Now.AddMinutes(-5)),
            new("cleared", "critical", Now.AddMinutes(-5)),
            new("acknowledged", "critical", Now.AddHours(-3)),
        ];
        foreach (var t in tickets)
        {
            await using var insert = database.DataSource.CreateCommand("INSERT INTO tickets VALUES ($1, $2, $3)");
            insert.Parameters.Add(new() { Value = t.Status });
            insert.Parameters.Add(new() { Value = t.Severity });
            insert.Parameters.Add(new() { Value = t.RaisedAt.UtcDateTime });
            await insert.ExecuteNonQueryAsync();
        }

        foreach (var text in new[] { "status in (active, acknowledged) and severity = critical", "raisedAt > now() - 1h", "not status = cleared and weekday = mon" })
        {
            var filter = FilterParser.Parse(text, Tickets);
            var where = SqlFilter.Where(filter, Now);
            await using var count = database.DataSource.CreateCommand($"SELECT count(*) FROM tickets WHERE {where}");
            count.Parameters.AddRange(where.Parameters.ToArray());
            Assert.Equal(tickets.Count(t => FilterEvaluator.Matches(filter, t, Now)), (long)(await count.ExecuteScalarAsync())!);
        }
    }
}
