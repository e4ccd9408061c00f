using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Hosting;
using FleetTwins.Persistence.Options;
using FleetTwins.Postgres.Journal;
using FleetTwins.Postgres.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace FleetTwins.Postgres.Hosting;

/// <summary>Registers the twins' journal on PostgreSQL, and its retention, on a silo.</summary>
public static class PostgresJournalSiloBuilderExtensions
{
    /// <summary>
    /// The journal over the silo's <see cref="NpgsqlDataSource"/> (table <c>fleettwins_journal</c>) and the snapshot
    /// archive (<c>fleettwins_snapshot_archive</c>), with their batching and the retention that deletes covered records older than <see cref="JournalOptions.Retention"/>.
    /// </summary>
    public static ISiloBuilder AddFleetTwinsPostgresJournal(this ISiloBuilder silo,
        Action<OptionsBuilder<JournalOptions>>? journal = null, Action<OptionsBuilder<PostgresJournalOptions>>? batching = null)
    {
        silo.Services.AddJournalOptions(journal);
        var options = silo.Services.AddOptions<PostgresJournalOptions>();
        batching?.Invoke(options);
        options.ValidateOnStart();
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresJournalOptions>, PostgresJournalOptionsValidator>());
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton(services => new PostgresTwinJournal(services.GetRequiredService<NpgsqlDataSource>(),
            services.GetRequiredService<IOptions<ClusterOptions>>(), services.GetRequiredService<IOptions<PostgresJournalOptions>>().Value));
        silo.Services.AddSingleton<ITwinJournal>(services => services.GetRequiredService<PostgresTwinJournal>());
        silo.Services.AddSingleton(services => new PostgresTwinSnapshotArchive(services.GetRequiredService<NpgsqlDataSource>(),
            services.GetRequiredService<IOptions<ClusterOptions>>(), services.GetRequiredService<IOptions<PostgresJournalOptions>>().Value));
        silo.Services.AddSingleton<ITwinSnapshotArchive>(services => services.GetRequiredService<PostgresTwinSnapshotArchive>());
        silo.Services.AddSingleton<JournalRetention>();
        silo.Services.AddHostedService(services => services.GetRequiredService<JournalRetention>());
        return silo;
    }
}
