using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Postgres.Schema;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Operations;

/// <summary>The host's <c>migrate</c> command, run as an operator runs it.</summary>
public sealed class MigrateCommandTests
{
    [Fact]
    public async Task Migrate_command_applies_the_schema_and_exits()
    {
        await using var database = await PostgresDatabase.CreateAsync();

        var (exitCode, output) = await HostProcess.RunAsync(
            new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = database.ConnectionString }, "migrate");

        Assert.True(exitCode == 0, output);
        Assert.Equal(Migration.Embedded.Count, await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_schema_migrations"));
    }
}
