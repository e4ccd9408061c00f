using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Hosting;
using FleetTwins.Persistence.Options;
using FleetTwins.Sqlite.Journal;
using FleetTwins.Sqlite.Reminders;
using FleetTwins.Sqlite.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace FleetTwins.Sqlite.Hosting;

/// <summary>Registers the SQLite grain storage, journal and reminder table on a silo, as Orleans' own providers do.</summary>
public static class SqliteSiloBuilderExtensions
{
    /// <summary>Adds the grain storage provider <paramref name="name"/> on table <c>grain_state</c> of the data file.</summary>
    public static ISiloBuilder AddFleetTwinsSqliteGrainStorage(this ISiloBuilder silo, string name)
    {
        silo.Services.AddKeyedSingleton<IGrainStorage, SqliteGrainStorage>(name);
        return silo;
    }

    /// <summary>
    /// The twins' journal and snapshot archive in the data file, and the retention that deletes covered records (and
    /// archived snapshots) older than <see cref="JournalOptions.Retention"/>.
    /// </summary>
    public static ISiloBuilder AddFleetTwinsSqliteJournal(this ISiloBuilder silo, Action<OptionsBuilder<JournalOptions>>? journal = null)
    {
        silo.Services.AddJournalOptions(journal);
        silo.Services.AddSingleton<SqliteTwinJournal>();
        silo.Services.AddSingleton<ITwinJournal>(services => services.GetRequiredService<SqliteTwinJournal>());
        silo.Services.AddSingleton<ITwinSnapshotArchive, SqliteTwinSnapshotArchive>();
        silo.Services.AddSingleton<SqliteJournalRetention>();
        silo.Services.AddHostedService(services => services.GetRequiredService<SqliteJournalRetention>());
        return silo;
    }

    /// <summary>Orleans reminders kept in the data file (table <c>reminders</c>).</summary>
    public static ISiloBuilder UseFleetTwinsSqliteReminderService(this ISiloBuilder silo)
    {
        silo.AddReminders();
        silo.Services.AddSingleton<IReminderTable, SqliteReminderTable>();
        return silo;
    }
}
