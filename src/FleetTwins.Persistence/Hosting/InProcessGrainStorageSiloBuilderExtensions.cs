using FleetTwins.Persistence.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace FleetTwins.Persistence.Hosting;

/// <summary>Registers the in-process grain storage on a silo.</summary>
public static class InProcessGrainStorageSiloBuilderExtensions
{
    /// <summary>Adds the grain storage provider <paramref name="name"/>, kept in this process only.</summary>
    public static ISiloBuilder AddFleetTwinsInProcessGrainStorage(this ISiloBuilder silo, string name)
    {
        silo.Services.AddKeyedSingleton<IGrainStorage, InProcessGrainStorage>(name);
        return silo;
    }
}
