using FleetTwins.Abstractions;
using FleetTwins.Grains.Hosting;
using FleetTwins.Persistence.Journal;
using FleetTwins.Persistence.Options;
using FleetTwins.Ingestion.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
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
    public FleetTwins.Search.Projection.InMemoryFleetProjection Projection { get; } = new();

    /// <summary>The twins' journal, one for the whole cluster (as a database would be).</summary>
    public InProcessTwinJournal Journal { get; }

    /// <summary>The twins' snapshot archive, one for the whole cluster (history's base).</summary>
    public InProcessTwinSnapshotArchive Archive { get; }

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public ClusterFixture()
    {
        Journal = new(Microsoft.Extensions.Options.Options.Create(new JournalOptions()), Clock);
        Archive = new(Microsoft.Extensions.Options.Options.Create(new JournalOptions()), Clock);
        Sink = new RecordingSink(Clock);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Twins);
            silo.Services.AddSingleton<FleetTwins.Abstractions.Persistence.ITwinJournal>(Journal);
            silo.Services.AddSingleton<FleetTwins.Abstractions.Persistence.ITwinSnapshotArchive>(Archive);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.AddFleetTwinsGrains(new ConfigurationBuilder().Build());
            silo.Services.AddFleetTwinsIngestion();
            silo.AddActivityPropagation();
            // Commands time out after 10 (fake) minutes; the reminder checks every (real) second.
            silo.Services.Configure<FleetTwins.Grains.Vehicles.CommandOptions>(o => o.CheckPeriod = TimeSpan.FromSeconds(1));
            silo.Services.Configure<Orleans.Hosting.ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.AddSingleton<FleetTwins.Abstractions.Notifications.INotificationSink>(Sink);
            silo.Services.AddSingleton<FleetTwins.Abstractions.Commands.ICommandDispatcher>(Dispatcher);
            // Dispatch retries wait 1 s doubling to 4 s, on the fake clock.
            silo.Services.Configure<FleetTwins.Grains.Vehicles.DispatchRetryOptions>(o => (o.RetryBackoff, o.MaxRetryBackoff) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4)));
            silo.Services.AddSingleton<FleetTwins.Search.Projection.IFleetProjection>(Projection);
            // The feed runs on the real clock: the fake one only drives twin rules.
            silo.Services.AddSingleton(sp => new FleetTwins.Search.Feed.FleetFeed(
                Projection, sp.GetRequiredService<IGrainFactory>(), TimeProvider.System,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<FleetTwins.Search.Feed.FleetFeed>>()));
            silo.Services.AddSingleton<FleetTwins.Abstractions.Fleet.IFleetFeed>(sp => sp.GetRequiredService<FleetTwins.Search.Feed.FleetFeed>());
            silo.Services.AddHostedService(sp => sp.GetRequiredService<FleetTwins.Search.Feed.FleetFeed>());
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

/// <summary>A notification sink that records what it is given, and when (on the fake clock), and can be made to fail.</summary>
public sealed class RecordingSink(TimeProvider clock) : FleetTwins.Abstractions.Notifications.INotificationSink
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<FleetTwins.Abstractions.Notifications.Notification> received = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string TwinId, DateTimeOffset At)> attempts = new();

    /// <summary>While above zero, each publish fails and counts down.</summary>
    public int FailuresToCome;

    public IReadOnlyList<FleetTwins.Abstractions.Notifications.Notification> Received => [.. received];

    /// <summary>Every publish, failed or not: the twin whose outbox it came from and the (fake) time.</summary>
    public IReadOnlyList<(string TwinId, DateTimeOffset At)> Attempts => [.. attempts];

    public Task PublishAsync(IReadOnlyList<FleetTwins.Abstractions.Notifications.Notification> notifications, CancellationToken cancellationToken)
    {
        attempts.Enqueue((notifications[0].TwinId, clock.GetUtcNow()));
        if (Interlocked.Decrement(ref FailuresToCome) >= 0)
        {
            throw new IOException("sink unavailable");
        }

        foreach (var n in notifications)
        {
            received.Enqueue(n);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// A command dispatcher with one channel, <c>test:exchange</c>, serving every provider but <c>nobody</c>; it records what it
/// is handed, answers a provider command id, and fails a twin's dispatches as often as <see cref="FailFor"/> says.
/// </summary>
public sealed class RecordingDispatcher : FleetTwins.Abstractions.Commands.ICommandDispatcher
{
    public const string Channel = "test:exchange";

    private readonly System.Collections.Concurrent.ConcurrentQueue<FleetTwins.Abstractions.Commands.CommandDispatch> received = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> failures = new();

    public IReadOnlyList<FleetTwins.Abstractions.Commands.CommandDispatch> Received => [.. received];

    /// <summary>The next <paramref name="times"/> dispatches for <paramref name="twinId"/> fail.</summary>
    public void FailFor(string twinId, int times) => failures[twinId] = times;

    public IReadOnlySet<string> Channels { get; } = new HashSet<string> { Channel };

    public IReadOnlyList<string> ChannelsFor(string provider) => provider == "nobody" ? [] : [Channel];

    public Task<FleetTwins.Abstractions.Commands.DispatchReceipt> DispatchAsync(string channel, FleetTwins.Abstractions.Commands.CommandDispatch dispatch, CancellationToken cancellationToken)
    {
        if (failures.AddOrUpdate(dispatch.TwinId, -1, (_, left) => left - 1) >= 0)
        {
            throw new IOException("dispatcher unavailable");
        }

        received.Enqueue(dispatch);
        return Task.FromResult(new FleetTwins.Abstractions.Commands.DispatchReceipt($"prov-{dispatch.CommandId}"));
    }
}
