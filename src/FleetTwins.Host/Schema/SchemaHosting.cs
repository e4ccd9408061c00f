using FleetTwins.Host.Hosting;
using FleetTwins.Persistence.Postgres.Schema;
using Npgsql;

namespace FleetTwins.Host.Schema;

/// <summary>The <c>migrate</c> command (the migration at start-up is the cluster profile's: <c>FleetTwins:MigrateOnStart</c>).</summary>
public static class SchemaHosting
{
    /// <summary>Runs <c>FleetTwins.Host migrate</c>: applies pending scripts and exits (0 on success).</summary>
    public static async Task<int> RunMigrateCommandAsync(this WebApplicationBuilder builder)
    {
        await using var dataSource = NpgsqlDataSource.Create(builder.Configuration.GetPostgresConnectionString());
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
        var migrator = new SchemaMigrator(dataSource, loggerFactory.CreateLogger<SchemaMigrator>());
        await migrator.MigrateAsync(Migration.Embedded);
        return 0;
    }
}
