using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Providers.Invers;
using FleetTwins.Ingestion.Routing;
using FleetTwins.Ingestion.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FleetTwins.Ingestion.Hosting;

/// <summary>What every ingestion path (webhooks, the INVERS inbox) shares, registered once.</summary>
public static class IngestionHosting
{
    /// <summary>
    /// The router, ingestion's metrics and its clock (a host replaces the clock to configure the future skew); the
    /// alias lookup comes with the grains (<c>AddFleetTwinsGrains</c>).
    /// </summary>
    public static IServiceCollection AddFleetTwinsIngestion(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new IngestionClock(sp.GetRequiredService<TimeProvider>(), FutureLimit.DefaultSkew));
        services.TryAddSingleton<IngestionMetrics>();
        services.TryAddSingleton<TwinEventRouter>();
        services.TryAddSingleton<InversMessageReader>();
        return services;
    }
}
