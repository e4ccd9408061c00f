using FleetTwins.Postgres.Projection;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;
using FleetTwins.Search.Tests;
using FsCheck;
using FsCheck.Fluent;
using Npgsql;

namespace FleetTwins.Postgres.Tests;

/// <summary>A fresh database on the test PostgreSQL (started by tools/test.sh) with the projection table, as its scripts leave it.</summary>
public sealed class ProjectionDatabase : IAsyncLifetime
{
    private readonly string name = $"ft_search_{Guid.NewGuid():N}";
    private string admin = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        admin = Environment.GetEnvironmentVariable("FLEETTWINS_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("FLEETTWINS_TEST_POSTGRES is not set: run through `bash tools/test.sh`, or eval \"$(bash tools/services.sh start)\" first.");
        await using (var server = NpgsqlDataSource.Create(admin))
        {
            await server.CreateCommand($"CREATE DATABASE {name}").ExecuteNonQueryAsync();
        }

        DataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
        foreach (var script in new[] { "005_fleet_projection.sql", "010_fleet_projection_geofences.sql", "012_fleet_projection_master_data.sql" })
        {
            var schema = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Schema", script));
            await DataSource.CreateCommand(schema).ExecuteNonQueryAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var server = NpgsqlDataSource.Create(admin);
        await server.CreateCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)").ExecuteNonQueryAsync();
    }
}

/// <summary>
/// The PostgreSQL projection answers exactly what a brute-force filter over all twins answers: the same vehicles,
/// in the same order, page after page, and the same aggregates — for random fleets, filters, orders and page sizes.
/// </summary>
public sealed class PostgresProjectionProperties(ProjectionDatabase database) : IClassFixture<ProjectionDatabase>
{
    [Fact]
    public void Search_results_equal_a_brute_force_filter_over_all_twins()
    {
        var projection = new PostgresFleetProjection(database.DataSource);
        var cases = from fleet in Generators.Fleet
                    from filters in Gen.ArrayOf(Generators.Filter(2), 4)
                    from sort in Generators.Sort
                    from limit in Gen.Choose(1, 25)
                    select (fleet, filters, sort, limit);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            database.DataSource.CreateCommand("TRUNCATE fleettwins_vehicles").ExecuteNonQuery();
            projection.WriteAsync(c.fleet, [], CancellationToken.None).GetAwaiter().GetResult();
            foreach (var filter in c.filters)
            {
                var paged = Paging.ReadAllPagesAsync(projection, filter, c.sort, c.limit).GetAwaiter().GetResult();
                Assert.Equal(BruteForce.Search(c.fleet, filter, c.sort, Generators.Now), paged.Select(v => v.Id).ToList());

                var want = BruteForce.Aggregate(c.fleet, filter, Generators.Now);
                var got = projection.AggregateAsync(filter, Generators.Now, CancellationToken.None).GetAwaiter().GetResult();
                Assert.Equal(want.Count, got.Count);
                Assert.Equal(want.Online, got.Online);
                Assert.Equal(want.ByCharging.ToList(), got.ByCharging.OrderBy(p => p.Key, StringComparer.Ordinal).ToList());
                Assert.Equal(want.AverageSoc ?? -1, got.AverageSoc ?? -1, 9);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    [Fact]
    public async Task Rows_round_trip_and_only_move_to_newer_versions()
    {
        var projection = new PostgresFleetProjection(database.DataSource);
        await database.DataSource.CreateCommand("TRUNCATE fleettwins_vehicles").ExecuteNonQueryAsync();
        var fleet = Generators.Fleet.Where(f => f.Count > 10).Sample(1, 1).Single();
        await projection.WriteAsync(fleet, [], CancellationToken.None);
        var older = fleet.Select(v => v with { Version = v.Version - 1, Soc = -1 }).ToList();
        await projection.WriteAsync(older, [fleet[0].Id], CancellationToken.None);

        var read = await Paging.ReadAllPagesAsync(projection, Filter.All, SortOrder.ById, 500);
        Assert.Equal(fleet.Skip(1).OrderBy(v => v.Id, StringComparer.Ordinal).ToList(), read);
    }

    /// <summary>
    /// A row written before a column existed (here: master data, 012) holds its default until its twin re-projects the
    /// same version on its next activation; a same-version write with equal values changes nothing.
    /// </summary>
    [Fact]
    public async Task The_same_version_fills_what_a_row_lacked_and_an_older_one_never_does()
    {
        var projection = new PostgresFleetProjection(database.DataSource);
        await database.DataSource.CreateCommand("TRUNCATE fleettwins_vehicles").ExecuteNonQueryAsync();
        var fleet = Generators.Fleet.Where(f => f.Count > 3).Sample(1, 1).Single();
        var before = fleet.Select(v => v with { Name = null, Plate = null, Group = null, Tags = [] }).ToList();
        await projection.WriteAsync(before, [], CancellationToken.None);

        var now = fleet.Select((v, i) => v with { Name = $"van {i}", Plate = $"B-FT {i}", Group = "vans", Tags = ["depot-a"] }).ToList();
        await projection.WriteAsync(now, [], CancellationToken.None);
        await projection.WriteAsync(before.Select(v => v with { Version = v.Version - 1 }).ToList(), [], CancellationToken.None);

        var read = await Paging.ReadAllPagesAsync(projection, Filter.All, SortOrder.ById, 500);
        Assert.Equal(now.OrderBy(v => v.Id, StringComparer.Ordinal).ToList(), read);
    }

    /// <summary>Filter values are parameters, never SQL: text built to break out of a literal matches only itself.</summary>
    [Theory]
    [InlineData("x' OR '1'='1")]
    [InlineData("'; DROP TABLE fleettwins_vehicles; --")]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\\' OR 1=1 --")]
    [InlineData("$1) OR (1=1")]
    public async Task Filter_values_that_look_like_sql_are_compared_as_data(string hostile)
    {
        var projection = new PostgresFleetProjection(database.DataSource);
        await database.DataSource.CreateCommand("TRUNCATE fleettwins_vehicles").ExecuteNonQueryAsync();
        var fleet = Generators.Fleet.Where(f => f.Count > 5).Sample(1, 1).Single()
            .Select((v, i) => i == 0 ? v with { Make = hostile } : v with { Make = "BMW" }).ToList();
        await projection.WriteAsync(fleet, [], CancellationToken.None);

        foreach (var filter in new[] { $"make = {Quoted(hostile)}", $"make in ({Quoted(hostile)}, \"none\")", $"make != {Quoted(hostile)} and make != BMW" })
        {
            var parsed = FilterParser.Parse(filter);
            var found = await Paging.ReadAllPagesAsync(projection, parsed, SortOrder.ById, 500);
            Assert.Equal(BruteForce.Search(fleet, parsed, SortOrder.ById, Generators.Now), found.Select(v => v.Id).ToList());
        }

        var exact = await Paging.ReadAllPagesAsync(projection, FilterParser.Parse($"make = {Quoted(hostile)}"), SortOrder.ById, 500);
        Assert.Equal(fleet[0].Id, Assert.Single(exact).Id);
        Assert.Equal(fleet.Count, await database.DataSource.CreateCommand("SELECT count(*) FROM fleettwins_vehicles").ExecuteScalarAsync() as long? ?? -1);
    }

    private static string Quoted(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
