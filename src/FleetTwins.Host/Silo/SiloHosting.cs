using FleetTwins.Grains.Hosting;
using FleetTwins.Host.Amqp;
using FleetTwins.Host.Profiles;
using FleetTwins.Host.Settings;
using FleetTwins.Host.Telemetry;
using FleetTwins.Ingestion.Hosting;
using FleetTwins.Outbound.Hosting;
using Orleans.Configuration;

namespace FleetTwins.Host.Silo;

/// <summary>Co-hosts the Orleans silo: what every profile shares, then the profile's clustering, storage and reminders.</summary>
public static class SiloHosting
{
    /// <summary>
    /// Chooses the profile (<c>FleetTwins:Profile</c>: <see cref="EmbeddedProfile"/> or <see cref="ClusterProfile"/>) and
    /// adds what state lives in. Comes first: a migration at start-up must run before the silo starts.
    /// </summary>
    public static WebApplicationBuilder AddFleetTwinsProfile(this WebApplicationBuilder builder)
    {
        var profile = HostingProfile.For(builder.Configuration);
        builder.Services.AddSingleton(profile);
        profile.AddServices(builder.Services);
        builder.Services.AddHostedService<StartupLine>();
        return builder;
    }

    /// <summary>Opens where the profile keeps state, before anything listens (<see cref="HostingProfile.Open"/>).</summary>
    public static WebApplication OpenFleetTwinsStore(this WebApplication app)
    {
        app.Services.GetRequiredService<HostingProfile>().Open(app.Services);
        return app;
    }

    /// <summary>The profile chosen by <see cref="AddFleetTwinsProfile"/>.</summary>
    public static HostingProfile Profile(this IServiceCollection services) =>
        (HostingProfile?)services.LastOrDefault(s => s.ServiceType == typeof(HostingProfile))?.ImplementationInstance
        ?? throw new InvalidOperationException("AddFleetTwinsProfile() must come first.");

    /// <summary>Adds the silo: the grains, ingestion and its streams, the notification sinks, the command dispatchers, telemetry, and the profile's part.</summary>
    public static WebApplicationBuilder AddFleetTwinsSilo(this WebApplicationBuilder builder)
    {
        var options = builder.GetFleetTwinsOptions();
        var rabbitMQ = builder.Configuration.GetConnectionString(ConnectionStringNames.RabbitMQ) is { Length: > 0 }
            ? builder.Configuration.GetRabbitMQConnectionString()
            : null;
        builder.Services.AddFleetTwinsNotificationSinks(builder.Configuration, rabbitMQ);
        builder.Services.AddFleetTwinsCommandDispatch(builder.Configuration, rabbitMQ);
        builder.Services.AddFleetTwinsIngestion();
        var profile = builder.Services.Profile();
        builder.UseOrleans(silo =>
        {
            // Orleans' reminder settings (e.g. Reminders__MinimumReminderPeriod) from configuration, as an operator knob.
            silo.Services.AddOptions<ReminderOptions>().Bind(builder.Configuration.GetSection("Reminders"));
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            profile.ConfigureSilo(silo);
            silo.UseFleetTwinsTls(options.Silo.Tls);
            silo.AddFleetTwinsGrains(builder.Configuration);
            silo.AddInversStreams(builder.Configuration);
            silo.AddActivityPropagation(); // grain calls join the caller's trace (docs/OPERATIONS.md, telemetry)
            silo.AddFleetTwinsDashboard(builder.Configuration);
        });
        return builder;
    }

    /// <summary>The first line an operator reads: which profile runs, and where its data lives.</summary>
    private sealed class StartupLine(HostingProfile profile, ILogger<HostingProfile> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogInformation("FleetTwins {Profile} profile: {Where}", profile.Name, profile.Describe());
            if (profile.StartupWarning is { } warning)
            {
                logger.LogWarning("FleetTwins {Profile} profile: {Warning}", profile.Name, warning);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
