// Why FleetTwins journals its twins itself rather than through Orleans' JournaledGrain (docs/ARCHITECTURE.md):
// the same twin-like grain twice — once a JournaledGrain with a custom-storage log-consistency provider, once a plain
// grain that applies and appends a record itself — both appending one serialized record per event to the same
// in-process journal (no database: what is measured is the grain side). Prints CPU and managed allocations per
// confirmed event for each, then what each does while its journal fails for three seconds.
//   JournalModels [events=200000] [grains=1000]
using System.Diagnostics;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Persistence.Journal;
using FleetTwins.Persistence.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.EventSourcing;
using Orleans.EventSourcing.CustomStorage;
using Orleans.Providers;
using Orleans.Serialization;

var events = args.Length > 0 ? int.Parse(args[0]) : 200_000;
var grains = args.Length > 1 ? int.Parse(args[1]) : 1_000;
var journal = new FailingJournal(new InProcessTwinJournal(new OptionsWrapper<JournalOptions>(new JournalOptions()), TimeProvider.System));
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.AddSingleton<ITwinJournal>(journal);
builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort: 21111, gatewayPort: 31000)
    .AddCustomStorageBasedLogConsistencyProvider("CustomStorage"));
using var host = builder.Build();
await host.StartAsync();
var factory = host.Services.GetRequiredService<IGrainFactory>();

foreach (var (name, add) in new (string, Func<int, int, Task>)[]
{
    ("JournaledGrain + CustomStorage", (g, n) => factory.GetGrain<IJournaledTwin>($"es-{g}").AddAsync(new Reading(n, DateTimeOffset.UtcNow))),
    ("own journaling (FleetTwins)", (g, n) => factory.GetGrain<IOwnTwin>($"own-{g}").AddAsync(new Reading(n, DateTimeOffset.UtcNow))),
})
{
    await RunAsync(add, grains * 10); // warm: JIT, activations
    using var process = Process.GetCurrentProcess();
    var (cpu, allocated, clock) = (process.TotalProcessorTime, GC.GetTotalAllocatedBytes(true), Stopwatch.StartNew());
    await RunAsync(add, events);
    process.Refresh();
    Console.WriteLine($"{name}: {events / clock.Elapsed.TotalSeconds:N0} events/s, {(process.TotalProcessorTime - cpu).TotalMicroseconds / events:N1} us CPU " +
        $"and {(GC.GetTotalAllocatedBytes(true) - allocated) / (double)events:N0} bytes allocated per confirmed event");
}

// The journal fails for three seconds: how long until each grain's caller hears of it?
foreach (var (name, add) in new (string, Func<Task>)[]
{
    ("JournaledGrain + CustomStorage", () => factory.GetGrain<IJournaledTwin>("es-0").AddAsync(new Reading(-1, DateTimeOffset.UtcNow))),
    ("own journaling (FleetTwins)", () => factory.GetGrain<IOwnTwin>("own-0").AddAsync(new Reading(-1, DateTimeOffset.UtcNow))),
})
{
    journal.FailFor(TimeSpan.FromSeconds(3));
    var clock = Stopwatch.StartNew();
    try
    {
        await add();
        Console.WriteLine($"{name}, journal down 3 s: the call succeeded after {clock.Elapsed.TotalSeconds:N1} s (retried inside, the caller never knew)");
    }
    catch (Exception e)
    {
        Console.WriteLine($"{name}, journal down 3 s: the call failed after {clock.Elapsed.TotalMilliseconds:N0} ms ({e.GetType().Name}): the caller can answer 503");
    }

    await Task.Delay(TimeSpan.FromSeconds(3.5));
}

await host.StopAsync();

async Task RunAsync(Func<int, int, Task> add, int count)
{
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
    {
        for (var n = Interlocked.Increment(ref next); n < count; n = Interlocked.Increment(ref next))
        {
            await add(n % grains, n);
        }
    }));
}

/// <summary>One reading, the event both twins journal.</summary>
[GenerateSerializer, Immutable, Alias("bench.Reading")]
public sealed record Reading([property: Id(0)] double Value, [property: Id(1)] DateTimeOffset At);

/// <summary>The state both twins keep: the newest reading and how many they applied.</summary>
[GenerateSerializer, Alias("bench.ReadingState")]
public sealed class ReadingState
{
    [Id(0)] public Reading? Newest { get; set; }

    [Id(1)] public long Count { get; set; }

    public void Apply(Reading reading)
    {
        Newest = Newest is null || reading.At >= Newest.At ? reading : Newest;
        Count++;
    }
}

[Alias("bench.IJournaledTwin")]
public interface IJournaledTwin : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(Reading reading);
}

[Alias("bench.IOwnTwin")]
public interface IOwnTwin : IGrainWithStringKey
{
    [Alias("Add")]
    Task AddAsync(Reading reading);
}

/// <summary>Orleans' event-sourcing model: RaiseEvent, ConfirmEvents; the log-consistency provider calls back to store.</summary>
[LogConsistencyProvider(ProviderName = "CustomStorage")]
public sealed class JournaledTwin(ITwinJournal journal, Serializer serializer) : JournaledGrain<ReadingState, Reading>, IJournaledTwin,
    ICustomStorageInterface<ReadingState, Reading>
{
    public async Task AddAsync(Reading reading)
    {
        RaiseEvent(reading);
        await ConfirmEvents();
    }

    protected override void TransitionState(ReadingState state, Reading @event) => state.Apply(@event);

    public Task<KeyValuePair<int, ReadingState>> ReadStateFromStorage() => Task.FromResult(KeyValuePair.Create(0, new ReadingState()));

    public async Task<bool> ApplyUpdatesToStorage(IReadOnlyList<Reading> updates, int expectedVersion)
    {
        for (var i = 0; i < updates.Count; i++)
        {
            await journal.AppendAsync(new JournalEntry(this.GetPrimaryKeyString(), expectedVersion + i + 1, updates[i].At, null, serializer.SerializeToArray(updates[i])));
        }

        return true;
    }
}

/// <summary>FleetTwins' way: the grain applies, appends one record, and answers once it is committed (or fails).</summary>
public sealed class OwnTwin(ITwinJournal journal, Serializer serializer) : Grain, IOwnTwin
{
    private readonly ReadingState state = new();

    public async Task AddAsync(Reading reading)
    {
        state.Apply(reading);
        await journal.AppendAsync(new JournalEntry(this.GetPrimaryKeyString(), state.Count, reading.At, null, serializer.SerializeToArray(reading)));
    }
}

/// <summary>The in-process journal, which can be made to fail for a while.</summary>
public sealed class FailingJournal(ITwinJournal inner) : ITwinJournal
{
    private DateTime failUntil;

    public void FailFor(TimeSpan span) => failUntil = DateTime.UtcNow + span;

    public Task AppendAsync(JournalEntry entry) =>
        DateTime.UtcNow < failUntil ? Task.FromException(new IOException("journal down")) : inner.AppendAsync(entry);

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(string twinId, long afterSequence) => inner.ReadAsync(twinId, afterSequence);

    public Task CoveredAsync(string twinId, long sequence) => inner.CoveredAsync(twinId, sequence);
}
