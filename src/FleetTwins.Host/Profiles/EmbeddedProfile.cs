using FleetTwins.Abstractions;
using FleetTwins.Host.Health;
using FleetTwins.Host.Settings;
using FleetTwins.Persistence.Hosting;
using FleetTwins.Search.Alerts;
using FleetTwins.Search.Projection;
using FleetTwins.Sqlite.Alerts;
using FleetTwins.Sqlite.Hosting;
using FleetTwins.Sqlite.Options;
using FleetTwins.Sqlite.Projection;
using FleetTwins.Sqlite.Storage;
using Scalar.AspNetCore;

namespace FleetTwins.Host.Profiles;

/// <summary>
/// One silo in one process, nothing else to install: localhost clustering; grain state (journal and snapshots),
/// reminders, the fleet projection and the alert index in one SQLite file, <c>FleetTwins:DataPath</c> (FleetTwins.Sqlite:
/// one writer, group commit, WAL); or, with <c>:memory:</c>, all of it in this process. The interactive API reference
/// at <c>/scalar</c>. Push endpoints may run without credentials (they then answer 401 to every delivery, as the
/// cluster profile would refuse to start).
/// </summary>
public sealed class EmbeddedProfile(IConfiguration configuration) : HostingProfile
{
    /// <summary>Where the SQLite writer is tuned (<c>Synchronous</c>, <c>MaxBatchSize</c>).</summary>
    public const string SqliteSection = "FleetTwins:Sqlite";

    public override string Name => "embedded";

    public override bool RequiresPushCredentials => false;

    private string DataPath => configuration.GetFleetTwinsOptions().DataPath;

    private bool InMemory => DataPath == SqliteOptions.InMemory;

    public override string Describe() => InMemory
        ? "one silo; twins, reminders, the outbox and the search projection in this process (FleetTwins__DataPath=:memory:)"
        : $"one silo; twins, reminders, the outbox and the search projection in SQLite {Path.GetFullPath(DataPath)} " +
          $"(synchronous={Synchronous.ToString().ToUpperInvariant()})";

    public override string? StartupWarning => InMemory
        ? "FleetTwins__DataPath is :memory: — nothing survives a restart, yet deliveries are acknowledged; for tests only"
        : null;

    private SqliteSynchronous Synchronous =>
        configuration.GetSection(SqliteSection).Get<SqliteOptions>()?.Synchronous ?? SqliteSynchronous.Full;

    public override void AddServices(IServiceCollection services)
    {
        if (InMemory)
        {
            services.AddSingleton<IFleetProjection, InMemoryFleetProjection>();
            services.AddSingleton<IAlertIndex, InMemoryAlertIndex>();
            return;
        }

        var dataPath = DataPath;
        services.AddFleetTwinsSqliteDatabase(o => o.Bind(configuration.GetSection(SqliteSection)).Configure(s => s.DataPath = dataPath));
        services.AddSingleton<IFleetProjection, SqliteFleetProjection>();
        services.AddSingleton<IAlertIndex, SqliteAlertIndex>();
    }

    public override void Open(IServiceProvider services)
    {
        if (!InMemory)
        {
            services.GetRequiredService<SqliteDatabase>();
        }
    }

    public override void ConfigureSilo(ISiloBuilder silo)
    {
        var options = configuration.GetFleetTwinsOptions();
        silo.UseLocalhostClustering(options.Silo.SiloPort, options.Silo.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        var journal = configuration.GetSection("FleetTwins:Journal");
        if (InMemory)
        {
            silo.UseInMemoryReminderService()
                .AddFleetTwinsInProcessGrainStorage(StorageNames.Twins)
                .AddFleetTwinsInProcessJournal(o => o.Bind(journal));
            return;
        }

        silo.UseFleetTwinsSqliteReminderService()
            .AddFleetTwinsSqliteGrainStorage(StorageNames.Twins)
            .AddFleetTwinsSqliteJournal(o => o.Bind(journal));
    }

    public override void AddHealthChecks(IHealthChecksBuilder checks, string tag)
    {
        if (!InMemory)
        {
            checks.AddCheck<SqliteWriterCheck>("sqlite", tags: [tag]);
        }
    }

    public override void MapEndpoints(WebApplication app) =>
        app.MapScalarApiReference("/scalar", o => o.WithTitle("FleetTwins API")).AllowAnonymous();
}
