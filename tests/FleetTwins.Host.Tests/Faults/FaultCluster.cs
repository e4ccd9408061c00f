using System.Collections.Concurrent;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>Cluster silos on a fresh database and INVERS queue, started and stopped as the scenario says.</summary>
public sealed class FaultCluster : IAsyncDisposable
{
    private readonly ConcurrentQueue<HostProcess> silos = new();
    private readonly Dictionary<string, string> settings;

    private FaultCluster(PostgresDatabase database, AmqpQueue queue)
    {
        (Database, Queue) = (database, queue);
        settings = SimulatedFleet.Settings(queue, database.ClusterSettings(migrate: true));
        settings["RateLimits__Webhooks__PermitsPerSecond"] = "0";
    }

    public PostgresDatabase Database { get; }

    public AmqpQueue Queue { get; }

    /// <summary>Every silo started, in order, including those stopped or killed since.</summary>
    public IReadOnlyList<HostProcess> Silos => [.. silos];

    public static async Task<FaultCluster> StartAsync(int silos)
    {
        var cluster = new FaultCluster(await PostgresDatabase.CreateAsync(), await AmqpQueue.CreateAsync());
        for (var i = 0; i < silos; i++)
        {
            await cluster.AddSiloAsync();
        }

        return cluster;
    }

    public async Task AddSiloAsync() => silos.Enqueue(await HostProcess.StartAsync(settings, TimeSpan.FromMinutes(3)));

    /// <summary>The live silo that consumes the INVERS queue now.</summary>
    public Task<HostProcess> ConsumerAsync() => AmqpConsumers.ConsumerAsync(Silos, Queue.Name, TimeSpan.FromMinutes(1));

    /// <summary>
    /// Asserts that a live silo other than <paramref name="gone"/> consumes the queue now, and that the live silos
    /// (the queue may have moved on again when a replacement joined) received messages of it — some of them
    /// redelivered, when <paramref name="redelivered"/>; answers what they received, for the report.
    /// </summary>
    public async Task<string> AssertHandedOverAsync(HostProcess gone, bool redelivered = false)
    {
        Assert.True(gone.HasExited, "the silo that held the queue is still running");
        await AmqpConsumers.ConsumerAsync(Silos, Queue.Name, TimeSpan.FromMinutes(1), other: gone);
        double received = 0, again = 0;
        foreach (var silo in Silos.Where(s => !s.HasExited))
        {
            received += await AmqpConsumers.ReceivedAsync(silo, Queue.Name);
            again += await AmqpConsumers.ReceivedAsync(silo, Queue.Name, redelivered: true);
        }

        Assert.True(received > 0, "no silo left running received anything from the queue");
        Assert.True(!redelivered || again > 0, "the messages the stopped silo held were not redelivered to the silos left running");
        return $"the queue taken over: the silos left running received {received} messages of it ({again} redelivered)";
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }

        await Queue.DisposeAsync();
        await Database.DisposeAsync();
    }
}
