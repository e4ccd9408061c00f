using FleetTwins.Host.Settings;
using FleetTwins.Postgres.Schema;
using Npgsql;
using Orleans.Serialization;

namespace FleetTwins.Host.Migrate;

/// <summary>The <c>migrate</c> command (the migration at start-up is the cluster profile's: <c>FleetTwins:MigrateOnStart</c>).</summary>
public static class SchemaHosting
{
    /// <summary>
    /// Runs <c>FleetTwins.Host migrate</c>: applies pending scripts and exits (0 on success); with
    /// <c>--from-sqlite FILE</c> then copies an embedded data file's twins, journal, reminders and projection (<see cref="SqliteImport"/>).
    /// </summary>
    public static async Task<int> RunMigrateCommandAsync(this WebApplicationBuilder builder)
    {
        await using var dataSource = NpgsqlDataSource.Create(builder.Configuration.GetPostgresConnectionString());
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
        var migrator = new SchemaMigrator(dataSource, loggerFactory.CreateLogger<SchemaMigrator>());
        await migrator.MigrateAsync(Migration.Embedded);
        if (FromSqlite(builder.Configuration) is { } file)
        {
            await using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
            var import = new SqliteImport(dataSource, services.GetRequiredService<Serializer>(),
                builder.GetFleetTwinsOptions().ServiceId, loggerFactory.CreateLogger<SqliteImport>());
            await import.RunAsync(file);
        }

        return 0;
    }

    /// <summary>The file named by <c>--from-sqlite FILE</c> (command-line configuration reads it as the key <c>from-sqlite</c>).</summary>
    private static string? FromSqlite(IConfiguration configuration) =>
        configuration["from-sqlite"] is { Length: > 0 } file ? file : null;
}
