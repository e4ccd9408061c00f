using FleetTwins.Abstractions;
using FleetTwins.Persistence.Hosting;
using FleetTwins.Search.Projection;
using Scalar.AspNetCore;

namespace FleetTwins.Host.Hosting.Profiles;

/// <summary>
/// One silo in one process, nothing else to install: localhost clustering, grain state and reminders in this process,
/// the fleet projection in memory, and the interactive API reference at <c>/scalar</c>. Push endpoints may run
/// without credentials (they then answer 401 to every delivery, as the cluster profile would refuse to start).
/// </summary>
public sealed class EmbeddedProfile(IConfiguration configuration) : HostingProfile
{
    public override string Name => "embedded";

    public override bool RequiresPushCredentials => false;

    public override string Describe() => "one silo; twins, reminders and the search projection in this process: nothing survives a restart";

    public override void AddServices(IServiceCollection services) =>
        services.AddSingleton<IFleetProjection, InMemoryFleetProjection>();

    public override void ConfigureSilo(ISiloBuilder silo)
    {
        var options = configuration.GetFleetTwinsOptions();
        silo.UseLocalhostClustering(options.Silo.SiloPort, options.Silo.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId)
            .UseInMemoryReminderService()
            .AddFleetTwinsInProcessGrainStorage(StorageNames.Twins)
            .AddFleetTwinsInProcessJournal(o => o.Bind(configuration.GetSection("FleetTwins:Journal")));
    }

    public override void MapEndpoints(WebApplication app) =>
        app.MapScalarApiReference("/scalar", o => o.WithTitle("FleetTwins API")).AllowAnonymous();
}
