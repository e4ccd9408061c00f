using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Journal;
using FleetTwins.Persistence.Options;
using FleetTwins.Persistence.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace FleetTwins.Persistence.Hosting;

/// <summary>Registers the in-process grain storage and journal on a silo.</summary>
public static class InProcessGrainStorageSiloBuilderExtensions
{
    /// <summary>Adds the grain storage provider <paramref name="name"/>, kept in this process only.</summary>
    public static ISiloBuilder AddFleetTwinsInProcessGrainStorage(this ISiloBuilder silo, string name)
    {
        silo.Services.AddKeyedSingleton<IGrainStorage, InProcessGrainStorage>(name);
        return silo;
    }

    /// <summary>
    /// Adds the twins' journal and snapshot archive (the history's base), kept in this process only; its options from
    /// <paramref name="configure"/>.
    /// </summary>
    public static ISiloBuilder AddFleetTwinsInProcessJournal(this ISiloBuilder silo, Action<OptionsBuilder<JournalOptions>>? configure = null)
    {
        silo.Services.AddJournalOptions(configure);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<ITwinJournal, InProcessTwinJournal>();
        silo.Services.AddSingleton<ITwinSnapshotArchive, InProcessTwinSnapshotArchive>();
        return silo;
    }

    /// <summary>The journal's options, validated when the silo starts (shared by every backend's registration).</summary>
    public static IServiceCollection AddJournalOptions(this IServiceCollection services, Action<OptionsBuilder<JournalOptions>>? configure)
    {
        var options = services.AddOptions<JournalOptions>();
        configure?.Invoke(options);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JournalOptions>, JournalOptionsValidator>());
        return services;
    }
}
