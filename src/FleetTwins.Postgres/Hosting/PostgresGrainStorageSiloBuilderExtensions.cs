using FleetTwins.Postgres.Options;
using FleetTwins.Postgres.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace FleetTwins.Postgres.Hosting;

/// <summary>Registers the PostgreSQL grain storage on a silo, as Orleans' own <c>AddAdoNetGrainStorage</c> does.</summary>
public static class PostgresGrainStorageSiloBuilderExtensions
{
    /// <summary>
    /// Adds the grain storage provider <paramref name="name"/> on table <c>fleettwins_grain_state</c>, over the silo's
    /// <see cref="NpgsqlDataSource"/> (<see cref="PostgresDataSource.AddFleetTwinsPostgresDataSource"/>); its options
    /// are validated when the silo starts.
    /// </summary>
    public static ISiloBuilder AddFleetTwinsPostgresGrainStorage(this ISiloBuilder silo, string name,
        Action<OptionsBuilder<PostgresGrainStorageOptions>>? configure = null)
    {
        var options = silo.Services.AddOptions<PostgresGrainStorageOptions>(name);
        configure?.Invoke(options);
        options.ValidateOnStart();
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresGrainStorageOptions>, PostgresGrainStorageOptionsValidator>());
        silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) => new PostgresGrainStorage(
            services.GetRequiredService<NpgsqlDataSource>(),
            services.GetRequiredService<Serializer>(),
            services.GetRequiredService<IOptions<ClusterOptions>>(),
            services.GetRequiredService<IOptionsMonitor<PostgresGrainStorageOptions>>().Get(name)));
        return silo;
    }
}
