using System.Net;
using System.Net.Sockets;
using FleetTwins.Abstractions;
using FleetTwins.Host.Health;
using FleetTwins.Host.Settings;
using FleetTwins.Host.Silo;
using FleetTwins.Postgres.Alerts;
using FleetTwins.Postgres.Hosting;
using FleetTwins.Postgres.Projection;
using FleetTwins.Search.Alerts;
using FleetTwins.Search.Projection;
using Npgsql;
using Orleans.Configuration;

namespace FleetTwins.Host.Profiles;

/// <summary>
/// Any number of silos on PostgreSQL: Orleans ADO.NET clustering and reminders (invariant <c>Npgsql</c>), grain state
/// as a journal and snapshots in our batched storage (FleetTwins.Postgres: many twins' records in one
/// statement and one commit, docs/PERFORMANCE.md), the fleet projection and the alert index in tables, one connection pool for all of it. Readiness includes
/// PostgreSQL; push endpoints need credentials; <c>FleetTwins:MigrateOnStart</c> applies <c>deploy/sql</c> first.
/// </summary>
public sealed class ClusterProfile(IConfiguration configuration) : HostingProfile
{
    private const string Invariant = "Npgsql";

    /// <summary>Where the grain storage's batching is configured.</summary>
    public const string StorageSection = "FleetTwins:Storage";

    /// <summary>Where the journal's retention and batching are configured.</summary>
    public const string JournalSection = "FleetTwins:Journal";

    public override string Name => "cluster";

    public override bool RequiresPushCredentials => true;

    public override string Describe()
    {
        var postgres = new NpgsqlConnectionStringBuilder(configuration.GetPostgresConnectionString());
        return $"cluster '{configuration.GetFleetTwinsOptions().ClusterId}'; twins, reminders and membership in PostgreSQL {postgres.Host}:{postgres.Port}/{postgres.Database}";
    }

    public override void AddServices(IServiceCollection services)
    {
        services.AddFleetTwinsPostgresDataSource(configuration.GetPostgresConnectionString());
        if (configuration.GetFleetTwinsOptions().MigrateOnStart)
        {
            services.AddFleetTwinsSchemaMigration();
        }

        services.AddSingleton<IFleetProjection, PostgresFleetProjection>();
        services.AddSingleton<IAlertIndex, PostgresAlertIndex>();
    }

    public override void ConfigureSilo(ISiloBuilder silo)
    {
        var connectionString = configuration.GetPostgresConnectionString();
        var endpoint = configuration.GetFleetTwinsOptions().Silo;
        silo.ConfigureEndpoints(AdvertisedAddress(endpoint), endpoint.SiloPort, endpoint.GatewayPort, listenOnAnyHostAddress: true);
        silo.Configure<SiloOptions>(o => o.SiloName = endpoint.Name
            ?? Environment.GetEnvironmentVariable("POD_NAME")
            ?? $"{Environment.MachineName}-{endpoint.SiloPort}");

        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        // A silo that died without leaving stays "active" in the table until voted out, and a joining silo waits for
        // it until it has missed three I-am-alive updates: with updates every 10 s (Orleans: 30 s) the only silo of
        // a cluster restarts after a crash in about 30 s rather than 90 s. Until a killed silo is voted out, calls to
        // the twins it hosted fail: a probe timeout of 2 s (Orleans: 5 s) probes every second while answers are quick
        // (up to 8 s as they slow down) and votes a killed silo out after three missed probes in about 3 s rather than
        // 7-20 s; a live silo whose connection still carries messages is not voted out for slow probes
        // (docs/RELIABILITY.md, "Failover"). Membership__* in configuration (e.g.
        // Membership__ProbeTimeout) overrides any ClusterMembershipOptions.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
        });
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection("Membership"));
        silo.AddFleetTwinsPostgresGrainStorage(StorageNames.Twins, o => o.Bind(configuration.GetSection(StorageSection)));
        silo.AddFleetTwinsPostgresJournal(o => o.Bind(configuration.GetSection(JournalSection)), o => o.Bind(configuration.GetSection(JournalSection)));
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
    }

    public override void AddHealthChecks(IHealthChecksBuilder checks, string tag) =>
        checks.AddCheck<PostgresReachableCheck>("postgres", tags: [tag]);

    private static IPAddress AdvertisedAddress(SiloEndpointOptions endpoint)
    {
        var configured = endpoint.AdvertisedAddress ?? Environment.GetEnvironmentVariable("POD_IP");
        if (string.IsNullOrWhiteSpace(configured))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(configured, out var address)
            ? address
            : Dns.GetHostAddresses(configured).First(a => a.AddressFamily == AddressFamily.InterNetwork);
    }
}
