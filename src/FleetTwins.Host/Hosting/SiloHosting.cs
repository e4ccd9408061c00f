using System.Net;
using FleetTwins.Grains.Notifications;
using FleetTwins.Grains.Options;
using FleetTwins.Host.Notifications;
using FleetTwins.Host.Amqp;
using FleetTwins.Host.Options;
using FleetTwins.Host.Storage;
using Orleans.Configuration;
using Orleans.Storage;

namespace FleetTwins.Host.Hosting;

/// <summary>Co-hosts an Orleans silo configured for the chosen profile.</summary>
public static class SiloHosting
{
    private const string Invariant = "Npgsql";

    /// <summary>Adds the silo: embedded (localhost, in memory) or cluster (PostgreSQL) per <c>FleetTwins:Profile</c>.</summary>
    public static WebApplicationBuilder AddFleetTwinsSilo(this WebApplicationBuilder builder)
    {
        var options = builder.GetFleetTwinsOptions();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<CommandOptions>(builder.Configuration.GetSection(CommandOptions.Section));
        builder.Services.Configure<NotificationOptions>(builder.Configuration.GetSection(NotificationOptions.Section));
        builder.Services.AddFleetTwinsNotificationSinks(builder.Configuration);

        builder.UseOrleans(silo =>
        {
            // Orleans' reminder settings (e.g. Reminders__MinimumReminderPeriod) from configuration, as an operator knob.
            silo.Services.Configure<ReminderOptions>(builder.Configuration.GetSection("Reminders"));
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });

            if (options.Profile == FleetTwinsProfile.Cluster)
            {
                UseCluster(silo, options, builder.Configuration);
            }
            else
            {
                UseEmbedded(silo, options);
            }

            silo.AddInversStreams(builder.Configuration);
            silo.AddActivityPropagation(); // grain calls join the caller's trace (docs/OPERATIONS.md, telemetry)
            silo.AddFleetTwinsDashboard(builder.Configuration);
        });
        return builder;
    }

    private static void UseEmbedded(ISiloBuilder silo, FleetTwinsOptions options)
    {
        silo.UseLocalhostClustering(options.Silo.SiloPort, options.Silo.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId)
            .UseInMemoryReminderService();
        silo.Services.AddKeyedSingleton<IGrainStorage, InProcessGrainStorage>(StorageNames.Twins);
    }

    private static void UseCluster(ISiloBuilder silo, FleetTwinsOptions options, IConfiguration configuration)
    {
        var connectionString = configuration.GetPostgresConnectionString();
        var endpoint = options.Silo;
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
        // a cluster restarts after a crash in about 30 s rather than 90 s (docs/RELIABILITY.md). Membership__* in
        // configuration (e.g. Membership__ProbeTimeout) overrides any ClusterMembershipOptions.
        silo.Configure<ClusterMembershipOptions>(o => o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10));
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection("Membership"));
        // Grain state: our batched storage rather than Orleans' ADO.NET provider — the writes of many grains in one
        // statement and one commit, each grain answered after it (Storage/PostgresGrainStorage, docs/PERFORMANCE.md).
        silo.Services.AddFleetTwinsPostgres(configuration);
        silo.Services.Configure<GrainStorageOptions>(configuration.GetSection(GrainStorageOptions.Section));
        silo.Services.AddKeyedSingleton<IGrainStorage, PostgresGrainStorage>(StorageNames.Twins);
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
    }

    private static IPAddress AdvertisedAddress(SiloEndpointOptions endpoint)
    {
        var configured = endpoint.AdvertisedAddress ?? Environment.GetEnvironmentVariable("POD_IP");
        if (string.IsNullOrWhiteSpace(configured))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(configured, out var address)
            ? address
            : Dns.GetHostAddresses(configured).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
    }
}
