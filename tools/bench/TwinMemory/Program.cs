// Twin footprint benchmarks (bash tools/bench/twins.sh runs them):
//   memory <twins> <discard|embedded>  managed heap per active vehicle twin with realistic state, in an in-process
//                                      silo; "discard": state lives only in the activation (as in the cluster
//                                      profile, where storage is PostgreSQL); "embedded": the embedded profile's
//                                      in-process storage keeps a second copy
//   coldstart <postgres> <twins> <fleettwins|adonet>
//                                      writes the twins through a silo on PostgreSQL, restarts the silo, and times
//                                      activating every twin from storage; with our grain storage (the cluster
//                                      profile's) or Orleans' ADO.NET storage as the baseline
using System.Diagnostics;
using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Hosting;
using FleetTwins.Persistence.Hosting;
using FleetTwins.Postgres.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

return args switch
{
    ["memory", var n, var storage and ("discard" or "embedded")] => await MemoryAsync(int.Parse(n), storage),
    ["coldstart", var postgres, var n, var storage and ("fleettwins" or "adonet")] => await ColdStartAsync(postgres, int.Parse(n), storage),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: TwinMemory memory <twins> <discard|embedded> | coldstart <postgres> <twins> <fleettwins|adonet>");
    return 2;
}

static async Task<int> MemoryAsync(int count, string storage)
{
    using var host = await StartSiloAsync(silo =>
    {
        if (storage == "embedded")
        {
            silo.AddFleetTwinsInProcessGrainStorage(StorageNames.Twins);
        }
        else
        {
            // As in the cluster profile, neither the snapshots nor the journal's records stay in the silo's memory.
            silo.Services.AddKeyedSingleton<IGrainStorage, DiscardingStorage>(StorageNames.Twins);
            silo.Services.AddSingleton<ITwinJournal, DiscardingJournal>();
        }
    });
    var grains = host.Services.GetRequiredService<IGrainFactory>();
    await ActivateAsync(grains, 1000, "warm-"); // JIT, pools and caches before the baseline
    var before = Heap();
    var clock = Stopwatch.StartNew();
    await ActivateAsync(grains, count, "car-");
    clock.Stop();
    var after = Heap();
    var perTwin = (after - before) / (double)count;
    Console.WriteLine($"{count:N0} active twins ({storage} storage): heap {before / 1048576.0:N0} -> {after / 1048576.0:N0} MiB, " +
        $"{perTwin:N0} bytes per twin; activated at {count / clock.Elapsed.TotalSeconds:N0} twins/s");
    if (Environment.GetEnvironmentVariable("BENCH_HEAP_BY_TYPE") is "1")
    {
        HeapByType(count);
    }

    // A fleet's steady state: its alias grains, consulted on a claim or a cache miss, are collected after two idle
    // minutes (AliasGrain) while its twins stay active.
    if (int.TryParse(Environment.GetEnvironmentVariable("BENCH_SETTLE_SECONDS"), out var settle) && settle > 0)
    {
        await Task.Delay(TimeSpan.FromSeconds(settle));
        var settled = Heap();
        var activations = await grains.GetGrain<IManagementGrain>(0).GetTotalActivationCount();
        Console.WriteLine($"  {settle} s later, idle alias grains collected: heap {settled / 1048576.0:N0} MiB, " +
            $"{(settled - before) / (double)count:N0} bytes per twin; {activations / (double)count:N2} activations per twin");
    }

    await host.StopAsync();
    return 0;
}

static async Task<int> ColdStartAsync(string postgres, int count, string storage)
{
    void Storage(ISiloBuilder silo)
    {
        if (storage == "fleettwins")
        {
            silo.Services.AddFleetTwinsPostgresDataSource(postgres);
            silo.AddFleetTwinsPostgresGrainStorage(StorageNames.Twins);
            return;
        }

        silo.AddAdoNetGrainStorage(StorageNames.Twins, o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = postgres;
        });
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(StorageNames.Twins)
            .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
    }

    using (var writer = await StartSiloAsync(Storage))
    {
        var clock = Stopwatch.StartNew();
        await ActivateAsync(writer.Services.GetRequiredService<IGrainFactory>(), count, "cold-");
        Console.WriteLine($"{storage} storage: wrote {count:N0} twins to PostgreSQL at {count / clock.Elapsed.TotalSeconds:N0} twins/s (two deliveries each)");
        await writer.StopAsync();
    }

    using var reader = await StartSiloAsync(Storage);
    var grains = reader.Services.GetRequiredService<IGrainFactory>();
    var read = Stopwatch.StartNew();
    var versions = 0L;
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (i, _) =>
    {
        var twin = await grains.GetGrain<IVehicleTwinGrain>($"cold-{i}").GetAsync() ?? throw new InvalidOperationException($"twin {i} was not stored");
        Interlocked.Add(ref versions, twin.Version);
    });
    read.Stop();
    Console.WriteLine($"{storage} storage: after a restart, {count:N0} twins activated from PostgreSQL in {read.Elapsed.TotalSeconds:F1} s = " +
        $"{count / read.Elapsed.TotalSeconds:N0} twins/s (256 reads in flight; versions read {versions:N0})");
    await reader.StopAsync();
    return 0;
}

static async Task<IHost> StartSiloAsync(Action<ISiloBuilder> storage)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.ClearProviders(); // the figures are the output
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddSingleton<INotificationSink, NoNotificationSink>();
    builder.Services.AddSingleton<IFleetFeed, NoFleetFeed>();
    builder.UseOrleans(silo =>
    {
        silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "bench", clusterId: "bench"); // beside any other silo on the machine
        silo.UseInMemoryReminderService();
        // Twins stay active for the whole measurement.
        silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromHours(2));
        silo.AddFleetTwinsGrains(new ConfigurationBuilder().Build());
        silo.AddFleetTwinsInProcessJournal();
        storage(silo);
    });
    var host = builder.Build();
    await host.StartAsync();
    return host;
}

// Each twin gets what a connected EV reports: two Volteras deliveries of telemetry, an INVERS-style master data and
// rental, connectivity, four tires, charging — so the state has readings, aliases, delivery ids and notifications.
static async Task ActivateAsync(IGrainFactory grains, int count, string prefix)
{
    var at = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (i, _) =>
    {
        var id = $"{prefix}{i}";
        var vin = $"WBY{i:D14}";
        var twin = grains.GetGrain<IVehicleTwinGrain>(id);
        var identity = new VehicleIdentity(vin, [$"volteras:{Guid.NewGuid()}"]);
        await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"msg_{Guid.NewGuid():N}", Sources.Volteras,
        [
            new ConnectivityReported(true) { At = at },
            new MasterDataReported("BMW", "i3", null, $"B-FT {i % 10000}", 2021, "DE", "ELECTRIC") { At = at },
            new StateOfChargeReported(20 + (i % 70)) { At = at },
            new EnergyRemainingReported(30.5) { At = at },
            new RangeReported(210) { At = at },
            new OdometerReported(12_000 + i) { At = at },
            new LocationReported(52.52 + (i % 100 / 1000.0), 13.405) { At = at },
            new TirePressureReported("FRONT_LEFT", 250) { At = at },
            new TirePressureReported("FRONT_RIGHT", 251) { At = at },
            new TirePressureReported("REAR_LEFT", 248) { At = at },
            new TirePressureReported("REAR_RIGHT", 249) { At = at },
        ]), identity);
        await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"msg_{Guid.NewGuid():N}", Sources.Volteras,
        [
            new PlugStateReported(true) { At = at.AddMinutes(1) },
            new ChargingStateReported("CHARGING") { At = at.AddMinutes(1) },
            new StateOfChargeReported(21 + (i % 70)) { At = at.AddMinutes(1) },
        ]), identity);
    });
}

// What the heap holds, by type, per twin: a snapshot of this process read with ClrMD (a full GC ran just before).
static void HeapByType(int count)
{
    using var target = Microsoft.Diagnostics.Runtime.DataTarget.CreateSnapshotAndAttach(Environment.ProcessId);
    var dac = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "libmscordaccore.so");
    var runtime = target.ClrVersions[0].CreateRuntime(dac, ignoreMismatch: true);
    var byType = new Dictionary<string, (long Bytes, long Count)>();
    foreach (var o in runtime.Heap.EnumerateObjects())
    {
        var name = o.Type?.Name ?? "?";
        var (bytes, n) = byType.GetValueOrDefault(name);
        byType[name] = (bytes + (long)o.Size, n + 1);
    }

    Console.WriteLine($"{"bytes/twin",10} {"objects/twin",12}  type");
    foreach (var (name, (bytes, n)) in byType.OrderByDescending(t => t.Value.Bytes).Take(30))
    {
        Console.WriteLine($"{bytes / (double)count,10:N0} {n / (double)count,12:N2}  {name}");
    }
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static long Heap()
{
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    return GC.GetTotalMemory(forceFullCollection: true);
}

/// <summary>Storage that keeps nothing: the state lives only in the activation, as it does with PostgreSQL storage.</summary>
internal sealed class DiscardingStorage : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        grainState.ETag = "1";
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;
}

/// <summary>A journal that keeps nothing: its records live in the database, as they do with the PostgreSQL journal.</summary>
internal sealed class DiscardingJournal : ITwinJournal
{
    public Task AppendAsync(JournalEntry entry) => Task.CompletedTask;

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(string twinId, long afterSequence) => Task.FromResult<IReadOnlyList<JournalEntry>>([]);

    public Task CoveredAsync(string twinId, long sequence) => Task.CompletedTask;
}
