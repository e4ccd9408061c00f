using FleetTwins.Sqlite.Options;
using FleetTwins.Sqlite.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FleetTwins.Sqlite.Hosting;

/// <summary>The one SQLite data file of a process, shared by the grain storage, the journal, reminders and the fleet projection.</summary>
public static class SqliteDatabaseHosting
{
    /// <summary>Registers the file (opened, in WAL mode, with its schema, on first use); its options validated at start-up.</summary>
    public static IServiceCollection AddFleetTwinsSqliteDatabase(this IServiceCollection services, Action<OptionsBuilder<SqliteOptions>>? configure = null)
    {
        var options = services.AddOptions<SqliteOptions>();
        configure?.Invoke(options);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteOptions>, SqliteOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new SqliteDatabase(provider.GetRequiredService<IOptions<SqliteOptions>>().Value));
        return services;
    }
}
