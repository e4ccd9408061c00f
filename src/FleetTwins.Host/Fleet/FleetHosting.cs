using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Feed;

namespace FleetTwins.Host.Fleet;

/// <summary>Fleet search and the fleet-wide watch: the silo's feed into the projection its profile chose.</summary>
public static class FleetHosting
{
    public static WebApplicationBuilder AddFleetTwinsFleet(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<FleetFeed>();
        builder.Services.AddSingleton<IFleetFeed>(sp => sp.GetRequiredService<FleetFeed>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FleetFeed>());
        return builder;
    }
}
