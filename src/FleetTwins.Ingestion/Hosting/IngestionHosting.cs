using FleetTwins.Ingestion.Routing;
using FleetTwins.Ingestion.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FleetTwins.Ingestion.Hosting;

/// <summary>What every ingestion path (webhooks, the INVERS inbox) shares, registered once.</summary>
public static class IngestionHosting
{
    /// <summary>The router and ingestion's metrics; the alias lookup comes with the grains (<c>AddFleetTwinsGrains</c>).</summary>
    public static IServiceCollection AddFleetTwinsIngestion(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IngestionMetrics>();
        services.TryAddSingleton<TwinEventRouter>();
        return services;
    }
}
