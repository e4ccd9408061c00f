using System.Text.Json;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Host.Amqp;
using FleetTwins.Host.Silo;
using FleetTwins.Sqlite.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace FleetTwins.Host.Health;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (silo active, storage reachable).</summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";

    public static WebApplicationBuilder AddFleetTwinsHealth(this WebApplicationBuilder builder)
    {
        var checks = builder.Services.AddHealthChecks()
            .AddCheck<SiloActiveCheck>("silo", tags: [Ready]);
        builder.Services.Profile().AddHealthChecks(checks, Ready);
        checks.AddBrokerCheck(builder.Configuration, Ready);
        return builder;
    }

    public static WebApplication MapFleetTwinsHealth(this WebApplication app)
    {
        // Liveness touches nothing: no grain, no database.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync })
            .AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Each check's name and status only: anyone may ask, so the descriptions (the data file's path, the silo's
    /// address, the cause of a failure) stay in the log, where the health check service writes every one that fails.
    /// </summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString() }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}

/// <summary>Healthy once this silo has joined the cluster and is active in the membership table.</summary>
internal sealed class SiloActiveCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {silo.SiloAddress} is active")
            : HealthCheckResult.Unhealthy($"silo {silo.SiloAddress} is {status}"));
    }
}

/// <summary>Healthy when PostgreSQL answers a trivial query within two seconds.</summary>
internal sealed class PostgresReachableCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy("postgres answers");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("postgres is unreachable", e);
        }
    }
}

/// <summary>
/// Readiness of the embedded profile's data file: a write commits through its one writer within two seconds. A real
/// write (the schema version written again), because a full disk or a file that turned read-only still answers reads.
/// </summary>
internal sealed class SqliteWriterCheck(SqliteDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await database.WriteAsync(write => write.Execute($"PRAGMA user_version = {SqliteSchema.Version}"))
                .WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"{database.FullPath} takes writes");
        }
        catch (StorageRefusedException e)
        {
            return HealthCheckResult.Unhealthy($"{database.FullPath} refuses writes until an operator acts", e);
        }
        catch (Exception e) when (e is SqliteException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{database.FullPath}: a write does not commit (a full disk?)", e);
        }
    }
}
