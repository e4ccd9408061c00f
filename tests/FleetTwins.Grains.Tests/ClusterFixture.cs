using System.Collections.Concurrent;
using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Grains.Hosting;
using FleetTwins.Grains.Options;
using FleetTwins.Ingestion.Hosting;
using FleetTwins.Persistence.Journal;
using FleetTwins.Persistence.Options;
using FleetTwins.Search.Alerts;
using FleetTwins.Search.Feed;
using FleetTwins.Search.Projection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FleetTwins.Grains.Tests;

/// <summary>A two-silo in-process cluster with in-memory storage and a fake clock, shared by a collection.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>What the twins' outboxes delivered (shared by every silo of the cluster).</summary>
    public RecordingSink Sink { get; }

    /// <summary>What the twins' dispatch outboxes handed on (shared by every silo of the cluster).</summary>
    public RecordingDispatcher Dispatcher { get; } = new();

    /// <summary>The fleet search projection every silo's feed writes to.</summary>
    public InMemoryFleetProjection Projection { get; } = new();

    /// <summary>The alert index every silo's alert grains write to.</summary>
    public InMemoryAlertIndex Alerts { get; } = new();

    /// <summary>The twins' journal, one for the whole cluster (as a database would be).</summary>
    public InProcessTwinJournal Journal { get; }

    /// <summary>The twins' snapshot archive, one for the whole cluster (history's base), counting what each twin archived.</summary>
    public CountingSnapshotArchive Archive { get; }

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public ClusterFixture()
    {
        Journal = new(new OptionsWrapper<JournalOptions>(new JournalOptions()), Clock);
        Archive = new(new InProcessTwinSnapshotArchive(new OptionsWrapper<JournalOptions>(new JournalOptions()), Clock));
        Sink = new RecordingSink(Clock);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            // Grain state in Orleans' binary form, as the PostgreSQL and SQLite storage write it (not the memory storage's JSON).
            silo.AddMemoryGrainStorage(StorageNames.Twins);
            silo.Services.AddOptions<MemoryGrainStorageOptions>(StorageNames.Twins)
                .Configure<Serializer>((options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
            silo.Services.AddSingleton<ITwinJournal>(Journal);
            silo.Services.AddSingleton<ITwinSnapshotArchive>(Archive);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.AddFleetTwinsGrains(new ConfigurationBuilder().Build());
            silo.Services.AddFleetTwinsIngestion();
            silo.AddActivityPropagation();
            // Commands time out after 10 (fake) minutes; the reminder checks every (real) second.
            silo.Services.Configure<CommandOptions>(o => o.CheckPeriod = TimeSpan.FromSeconds(1));
            silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.AddSingleton<INotificationSink>(Sink);
            silo.Services.AddSingleton<ICommandDispatcher>(Dispatcher);
            // Dispatch retries wait 1 s doubling to 4 s, on the fake clock.
            silo.Services.Configure<DispatchRetryOptions>(o => (o.RetryBackoff, o.MaxRetryBackoff) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4)));
            silo.Services.AddSingleton<IFleetProjection>(Projection);
            silo.Services.AddSingleton<IAlertIndex>(Alerts);
            // The feed runs on the real clock: the fake one only drives twin rules.
            silo.Services.AddSingleton(sp => new FleetFeed(
                Projection, sp.GetRequiredService<IGrainFactory>(), TimeProvider.System,
                sp.GetRequiredService<ILogger<FleetFeed>>()));
            silo.Services.AddSingleton<IFleetFeed>(sp => sp.GetRequiredService<FleetFeed>());
            silo.Services.AddHostedService(sp => sp.GetRequiredService<FleetFeed>());
        });
        builder.ConfigureClient(client => client.AddActivityPropagation());
        Cluster = builder.Build();
    }

    public async ValueTask InitializeAsync() => await Cluster.DeployAsync();

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>A notification sink that records what it is given, and when (on the fake clock), and can be made to fail or hang.</summary>
public sealed class RecordingSink(TimeProvider clock) : INotificationSink
{
    private readonly ConcurrentQueue<Notification> received = new();
    private readonly ConcurrentQueue<(string TwinId, DateTimeOffset At)> attempts = new();

    /// <summary>While above zero, each publish fails and counts down.</summary>
    public int FailuresToCome;

    /// <summary>Twins whose publishes hang until released (after they are counted as attempts).</summary>
    public Holds Holds { get; } = new();

    public IReadOnlyList<Notification> Received => [.. received];

    /// <summary>Every publish, failed or not: the twin whose outbox it came from and the (fake) time.</summary>
    public IReadOnlyList<(string TwinId, DateTimeOffset At)> Attempts => [.. attempts];

    public async Task PublishAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        attempts.Enqueue((notifications[0].TwinId, clock.GetUtcNow()));
        await Holds.PassAsync(notifications[0].TwinId, cancellationToken);
        if (Interlocked.Decrement(ref FailuresToCome) >= 0)
        {
            throw new IOException("sink unavailable");
        }

        foreach (var n in notifications)
        {
            received.Enqueue(n);
        }
    }
}

/// <summary>
/// A command dispatcher with one channel, <c>test:exchange</c>, serving every provider but <c>nobody</c>; it records what it
/// is handed, answers a provider command id, fails a twin's dispatches as often as <see cref="FailFor"/> says, and hangs
/// them while <see cref="Holds"/> says.
/// </summary>
public sealed class RecordingDispatcher : ICommandDispatcher
{
    public const string Channel = "test:exchange";

    private readonly ConcurrentQueue<CommandDispatch> received = new();
    private readonly ConcurrentDictionary<string, int> failures = new();

    public IReadOnlyList<CommandDispatch> Received => [.. received];

    /// <summary>The next <paramref name="times"/> dispatches for <paramref name="twinId"/> fail.</summary>
    public void FailFor(string twinId, int times) => failures[twinId] = times;

    /// <summary>Twins whose dispatches hang until released.</summary>
    public Holds Holds { get; } = new();

    public IReadOnlySet<string> Channels { get; } = new HashSet<string> { Channel };

    public IReadOnlyList<string> ChannelsFor(string provider) => provider == "nobody" ? [] : [Channel];

    public async Task<DispatchReceipt> DispatchAsync(string channel, CommandDispatch dispatch, CancellationToken cancellationToken)
    {
        await Holds.PassAsync(dispatch.TwinId, cancellationToken);
        if (failures.AddOrUpdate(dispatch.TwinId, -1, (_, left) => left - 1) >= 0)
        {
            throw new IOException("dispatcher unavailable");
        }

        received.Enqueue(dispatch);
        return new DispatchReceipt($"prov-{dispatch.CommandId}");
    }
}
