using FleetTwins.Abstractions.Commands;
using FleetTwins.Grains.Geofences;
using FleetTwins.Grains.Identity;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Rules;
using FleetTwins.Grains.Serialization;
using FleetTwins.Grains.Telemetry;
using FleetTwins.Search.Filters;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace FleetTwins.Grains.Hosting;

/// <summary>What the twin grains need on every silo, registered once.</summary>
public static class GrainsHosting
{
    /// <summary>
    /// The grains' options (<c>Commands</c>, <c>Commands:Dispatch</c>, <c>Notifications</c>, <c>FleetTwins:Journal</c>,
    /// validated when the silo starts), the command dispatcher when the host brings none (nothing dispatched), their metrics, the alias lookup the router and the query side share, the silo's geofence catalog, and the reader of stored type
    /// names from before the aliases. The journal (<c>ITwinJournal</c>) comes with the profile's persistence.
    /// </summary>
    public static ISiloBuilder AddFleetTwinsGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<CommandOptions>().Bind(configuration.GetSection(CommandOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CommandOptions>, CommandOptionsValidator>());
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>());
        services.AddOptions<SnapshotOptions>().Bind(configuration.GetSection(SnapshotOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SnapshotOptions>, SnapshotOptionsValidator>());
        services.AddOptions<DispatchRetryOptions>().Bind(configuration.GetSection(DispatchRetryOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DispatchRetryOptions>, DispatchRetryOptionsValidator>());
        services.TryAddSingleton<ICommandDispatcher, NoCommandDispatcher>();
        services.TryAddSingleton<TwinMetrics>();
        services.TryAddSingleton<AliasLookup>();
        services.AddOptions<FilterTimeZoneOptions>().Bind(configuration.GetSection(FilterTimeZoneOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FilterTimeZoneOptions>, FilterTimeZoneOptionsValidator>());
        services.TryAddSingleton<RuleCatalog>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<RuleCatalog>());
        services.TryAddSingleton<RuleRollout>();
        services.TryAddSingleton<GeofenceCatalog>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<GeofenceCatalog>());
        services.AddSingleton<ITypeConverter, LegacyTypeNames>();
        return silo;
    }
}
