using FleetTwins.Ingestion.Options;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Providers.Invers;
using FleetTwins.Ingestion.Routing;
using FleetTwins.Ingestion.Telemetry;
using FleetTwins.Ingestion.Webhooks;
using FleetTwins.Signatures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FleetTwins.Ingestion.Hosting;

/// <summary>What every ingestion path (webhooks, the INVERS inbox) shares, registered once.</summary>
public static class IngestionHosting
{
    /// <summary>
    /// The router, ingestion's metrics and its clock, whose future skew is <c>Ingestion:MaxFutureSkew</c> when the
    /// host binds <see cref="IngestionOptions"/> (the default otherwise); the alias lookup comes with the grains
    /// (<c>AddFleetTwinsGrains</c>).
    /// </summary>
    public static IServiceCollection AddFleetTwinsIngestion(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<IngestionOptions>();
        services.TryAddSingleton(sp => new IngestionClock(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<IngestionOptions>>().Value.MaxFutureSkew));
        services.TryAddSingleton<IngestionMetrics>();
        services.TryAddSingleton<TwinEventRouter>();
        services.TryAddSingleton<InversMessageReader>();
        return services;
    }

    /// <summary>The push deliveries (signed webhooks, tracker pushes); the host adds the <see cref="IPushRateLimit"/>.</summary>
    public static IServiceCollection AddFleetTwinsPushIngestion(this IServiceCollection services)
    {
        services.AddFleetTwinsIngestion();
        services.TryAddSingleton<PushBodyReader>();
        services.TryAddSingleton(sp => new RecentMessageIds(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<SourceAllowList>();
        services.TryAddSingleton<PushPipeline>();
        services.TryAddSingleton<SignedWebhookIngestion>();
        services.TryAddSingleton<TrackerPushIngestion>();
        return services;
    }
}
