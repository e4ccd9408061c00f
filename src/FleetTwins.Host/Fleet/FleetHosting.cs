using FleetTwins.Fleet;
using FleetTwins.Host.Hosting;
using FleetTwins.Host.Options;
using FleetTwins.Search.Feed;
using FleetTwins.Search.Projection;

namespace FleetTwins.Host.Fleet;

/// <summary>Fleet search and the fleet-wide watch: the projection for the profile and the silo's feed into it.</summary>
public static class FleetHosting
{
    public static WebApplicationBuilder AddFleetTwinsFleet(this WebApplicationBuilder builder)
    {
        if (builder.GetFleetTwinsOptions().Profile == FleetTwinsProfile.Cluster)
        {
            builder.Services.AddFleetTwinsPostgres(builder.Configuration);
            builder.Services.AddSingleton<IFleetProjection, PostgresFleetProjection>();
        }
        else
        {
            builder.Services.AddSingleton<IFleetProjection, InMemoryFleetProjection>();
        }

        builder.Services.AddSingleton<FleetFeed>();
        builder.Services.AddSingleton<IFleetFeed>(sp => sp.GetRequiredService<FleetFeed>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FleetFeed>());
        return builder;
    }
}
