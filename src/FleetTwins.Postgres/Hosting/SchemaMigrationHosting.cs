using FleetTwins.Postgres.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FleetTwins.Postgres.Hosting;

/// <summary>Applying the schema of <c>deploy/sql</c> when the host starts.</summary>
public static class SchemaMigrationHosting
{
    /// <summary>
    /// Migrates the silo's database before anything after it starts. Hosted services start in registration order:
    /// call this before the silo is added.
    /// </summary>
    public static IServiceCollection AddFleetTwinsSchemaMigration(this IServiceCollection services) =>
        services.AddHostedService<SchemaMigrationService>();

    private sealed class SchemaMigrationService(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            new SchemaMigrator(dataSource, logger).MigrateAsync(Migration.Embedded, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
