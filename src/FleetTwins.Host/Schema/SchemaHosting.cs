using FleetTwins.Host.Hosting;
using FleetTwins.Host.Options;
using Npgsql;

namespace FleetTwins.Host.Schema;

/// <summary>The <c>migrate</c> command and the optional migration at start-up.</summary>
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

    /// <summary>With <c>FleetTwins:MigrateOnStart</c> in the cluster profile, migrates before the silo starts.</summary>
    public static WebApplicationBuilder AddFleetTwinsSchemaMigration(this WebApplicationBuilder builder)
    {
        var options = builder.GetFleetTwinsOptions();
        if (options.Profile == FleetTwinsProfile.Cluster && options.MigrateOnStart)
        {
            // Hosted services start in registration order: this one must be registered before the silo.
            builder.Services.AddHostedService<SchemaMigrationService>();
        }

        return builder;
    }

    private sealed class SchemaMigrationService(IConfiguration configuration, ILogger<SchemaMigrator> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var dataSource = NpgsqlDataSource.Create(configuration.GetPostgresConnectionString());
            await new SchemaMigrator(dataSource, logger).MigrateAsync(Migration.Embedded, cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
