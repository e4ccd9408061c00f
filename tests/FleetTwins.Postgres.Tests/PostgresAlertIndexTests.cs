using FleetTwins.Abstractions.Alerts;
using FleetTwins.Postgres.Alerts;
using FleetTwins.Postgres.Schema;
using FleetTwins.Search.Alerts;
using FleetTwins.Search.Tests;
using FleetTwins.Tests.Infrastructure;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging.Abstractions;

namespace FleetTwins.Postgres.Tests;

/// <summary>A fresh database on the test PostgreSQL with the whole schema (deploy/sql), for the alert index.</summary>
public sealed class AlertDatabase : IAsyncLifetime
{
    public PostgresDatabase Database { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Database = await PostgresDatabase.CreateAsync();
        await new SchemaMigrator(Database.DataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Migration.Embedded);
    }

    public async ValueTask DisposeAsync() => await Database.DisposeAsync();
}

public sealed class PostgresAlertIndexTests(AlertDatabase fixture) : IClassFixture<AlertDatabase>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_list_answers_what_the_in_memory_index_answers_page_after_page()
    {
        var index = new PostgresAlertIndex(fixture.Database.DataSource);
        Prop.ForAll(AlertCases.Case.ToArbitrary(), c =>
        {
            fixture.Database.DataSource.CreateCommand("TRUNCATE fleettwins_alerts").ExecuteNonQuery();
            index.WriteAsync(c.Inbox, CancellationToken.None).GetAwaiter().GetResult();
            var memory = new InMemoryAlertIndex();
            memory.WriteAsync(c.Inbox, CancellationToken.None).GetAwaiter().GetResult();

            var paged = AlertCases.ReadAllPagesAsync(index, c.Filter, c.Sort, c.Limit).GetAwaiter().GetResult();
            var inMemory = AlertCases.ReadAllPagesAsync(memory, c.Filter, c.Sort, c.Limit).GetAwaiter().GetResult();
            Assert.Equal(AlertCases.Expected(c.Inbox, c.Filter, c.Sort), paged.Select(a => a.Id).ToList());
            Assert.Equal(inMemory.Select(Row), paged.Select(Row));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    [Fact]
    public async Task An_alert_round_trips_whole_and_only_moves_to_a_newer_version()
    {
        var index = new PostgresAlertIndex(fixture.Database.DataSource);
        var id = $"a-{Guid.NewGuid():N}";
        var raised = Alert(id, 1, AlertStatuses.Active);
        var acknowledged = Alert(id, 2, AlertStatuses.Acknowledged) with
        {
            AcknowledgedAt = T0.AddMinutes(2),
            AcknowledgedBy = "ops-key",
            Count = 3,
            Timeline = [new AlertStep(AlertStatuses.Active, T0, "rule", null), new AlertStep(AlertStatuses.Acknowledged, T0.AddMinutes(2), "ops-key", "on it")],
        };

        await index.WriteAsync([raised], CancellationToken.None);
        await index.WriteAsync([acknowledged, raised], CancellationToken.None); // the newest of a batch wins
        await index.WriteAsync([raised], CancellationToken.None);              // an older version never replaces a newer one

        var stored = await index.GetAsync(id, CancellationToken.None);
        Assert.Equal(acknowledged with { Timeline = [] }, stored! with { Timeline = [] });
        Assert.Equal(acknowledged.Timeline, stored.Timeline);
        Assert.Null(await index.GetAsync("unknown", CancellationToken.None));
        Assert.Equal((AlertStatuses.Acknowledged, 2L), await Columns(id));
    }

    private static (string, long, string, DateTimeOffset, string) Row(Alert a) => (a.Id, a.Version, a.Status, a.RaisedAt, a.Values);

    private async Task<(string, long)> Columns(string id)
    {
        await using var command = fixture.Database.DataSource.CreateCommand("SELECT \"status\", \"version\" FROM fleettwins_alerts WHERE \"id\" = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.GetInt64(1));
    }

    private static Alert Alert(string id, long version, string status) => new()
    {
        Id = id,
        Origin = "rule",
        Rule = "low-soc",
        VehicleId = "car-1",
        Name = "Low SOC",
        Severity = "major",
        Status = status,
        RaisedAt = T0,
        Values = """{"soc":12.5}""",
        Version = version,
        UpdatedAt = T0.AddMinutes(version),
    };
}
