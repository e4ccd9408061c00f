using System.Text.Json;
using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Vehicles;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FleetTwins.Grains.Tests.Vehicles;

/// <summary>
/// Twins persist their changes to a journal and snapshot now and then: the state rebuilt from any snapshot plus the
/// journal after it is the state the twin had, and what the journal holds is still known after a restart.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class JournalTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(VehicleTwinState).Assembly).AddAssembly(typeof(VehicleTwin).Assembly))
        .BuildServiceProvider().GetRequiredService<Serializer>();

    /// <summary>One delivery of a random mix: readings at random times (older ones arrive late), sometimes a retry of an earlier one.</summary>
    public sealed record Step(int Kind, int Value, int Minute, int RetryOf, int NowMinute);

    private static VehicleEvent Event(Step step) => (step.Kind % 7) switch
    {
        0 => new StateOfChargeReported(step.Value % 101) { At = T0.AddMinutes(step.Minute) },
        1 => new ChargingStateReported(step.Value % 2 == 0 ? "CHARGING" : "NOT_CHARGING") { At = T0.AddMinutes(step.Minute) },
        2 => new PlugStateReported(step.Value % 2 == 0) { At = T0.AddMinutes(step.Minute) },
        3 => new TirePressureReported(step.Value % 2 == 0 ? "FRONT_LEFT" : "REAR_RIGHT", 150 + step.Value % 120) { At = T0.AddMinutes(step.Minute) },
        4 => new ConnectivityReported(step.Value % 3 != 0) { At = T0.AddMinutes(step.Minute) },
        5 => new TrackerEventReported(step.Value % 2 == 0 ? "overspeed" : "sos", step.Value, null) { At = T0.AddMinutes(step.Minute) },
        _ => new LocationReported(50 + step.Value % 10 / 10.0, 8 + step.Value % 7 / 10.0) { At = T0.AddMinutes(step.Minute) },
    };

    [Fact]
    public void A_snapshot_plus_the_journal_after_it_is_the_state_the_twin_had()
    {
        var gen = from steps in Gen.ListOf(
                      from kind in Gen.Choose(0, 6)
                      from value in Gen.Choose(0, 1000)
                      from minute in Gen.Choose(0, 120)
                      from retry in Gen.Choose(-3, 30)
                      from now in Gen.Choose(0, 200)
                      select new Step(kind, value, minute, retry, now))
                  from snapshotAt in Gen.Choose(0, 40)
                  select (steps, snapshotAt);
        Prop.ForAll(gen.Where(g => g.steps.Count is > 0 and <= 40).ToArbitrary(), input =>
        {
            var (steps, snapshotAt) = input;
            var live = new VehicleTwinState();
            var rules = new NotificationOptions();
            var journal = new List<byte[]>();
            byte[]? snapshot = null;
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                var id = step.RetryOf >= 0 && step.RetryOf < i ? $"d-{step.RetryOf}" : $"d-{i}";
                if (live.Deliveries.Contains(id))
                {
                    continue; // a retry: the twin answers duplicate and journals nothing
                }

                var change = new DeliveryApplied(new TwinEventBatch<VehicleEvent>(id, Sources.Volteras, [Event(step)]), T0.AddMinutes(step.NowMinute), null);
                live.Apply("car", change, rules, []);
                live.JournalSequence++;
                journal.Add(Serializer.SerializeToArray<TwinChange>(change));
                if (live.Outbox.Count > 0 && step.Value % 4 == 0)
                {
                    var delivered = new OutboxDelivered([.. live.Outbox.Take(2).Select(n => n.Id)]);
                    live.Replay("car", delivered, rules);
                    live.JournalSequence++;
                    journal.Add(Serializer.SerializeToArray<TwinChange>(delivered));
                }

                if (journal.Count == snapshotAt)
                {
                    snapshot = Serializer.SerializeToArray(live);
                }
            }

            var recovered = snapshot is null ? new VehicleTwinState() : Serializer.Deserialize<VehicleTwinState>(snapshot)!;
            foreach (var record in journal.Skip((int)recovered.JournalSequence))
            {
                recovered.Replay("car", Serializer.Deserialize<TwinChange>(record)!, rules);
                recovered.JournalSequence++;
            }

            Assert.Equal(JsonSerializer.Serialize(live, Json), JsonSerializer.Serialize(recovered, Json));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public async Task A_twin_whose_last_changes_are_only_in_the_journal_comes_back_with_them_and_knows_their_deliveries()
    {
        var id = $"journaled-{Guid.NewGuid():N}";
        var twin = fixture.Client.GetGrain<IVehicleTwinGrain>(id);
        var identity = new VehicleIdentity(null, [$"imei:{Guid.NewGuid():N}"[..20]]);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(ApplyOutcome.Applied, await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"j-{id}-{i}", Sources.Tracker,
                [new StateOfChargeReported(40 + i) { At = T0.AddMinutes(i) }, new OdometerReported(1000 + i) { At = T0.AddMinutes(i) }]), identity));
        }

        var before = await twin.GetAsync();
        var storage = ((InProcessSiloHandle)fixture.Cluster.Silos[0]).ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Twins);
        var grainId = GrainId.Create("vehicle", id);
        var stored = new GrainState<VehicleTwinState>(new VehicleTwinState());
        await storage.ReadStateAsync("vehicle", grainId, stored);
        // The first delivery claimed the IMEI (a snapshot); the five after it are journal records only.
        Assert.Equal(1, stored.State!.JournalSequence);
        var oldSnapshot = Serializer.SerializeToArray(stored.State!);

        // As if the silo died before the next snapshot: deactivate, then put the older snapshot back.
        await fixture.Cluster.DeactivateAsync(twin);
        var latest = new GrainState<VehicleTwinState>(new VehicleTwinState());
        await storage.ReadStateAsync("vehicle", grainId, latest);
        latest.State = Serializer.Deserialize<VehicleTwinState>(oldSnapshot)!;
        await storage.WriteStateAsync("vehicle", grainId, latest);

        var after = await twin.GetAsync();
        Assert.Equal(JsonSerializer.Serialize(before, Json), JsonSerializer.Serialize(after, Json));
        Assert.Equal(45, after!.StateOfCharge!.Value);
        Assert.Equal(ApplyOutcome.Duplicate, await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"j-{id}-4", Sources.Tracker,
            [new StateOfChargeReported(1) { At = T0.AddHours(1) }]), identity));
        Assert.Equal(45, (await twin.GetAsync())!.StateOfCharge!.Value);
    }

    [Fact]
    public async Task A_twin_snapshots_in_the_background_and_tells_the_journal_what_it_covers()
    {
        var id = $"snapshotted-{Guid.NewGuid():N}";
        var twin = fixture.Client.GetGrain<IVehicleTwinGrain>(id);
        var identity = new VehicleIdentity(null, [$"invers:{Guid.NewGuid():N}"]);
        await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"s-{id}-0", Sources.Invers, [new OdometerReported(1) { At = T0 }]), identity);
        await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"s-{id}-1", Sources.Invers, [new OdometerReported(2) { At = T0.AddMinutes(1) }]), identity);

        await fixture.Cluster.DeactivateAsync(twin);

        var storage = ((InProcessSiloHandle)fixture.Cluster.Silos[0]).ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Twins);
        var stored = new GrainState<VehicleTwinState>(new VehicleTwinState());
        await storage.ReadStateAsync("vehicle", GrainId.Create("vehicle", id), stored);
        // Deactivation wrote the snapshot the journal was ahead of: every record is in it, and retention may have them.
        var journal = ((InProcessSiloHandle)fixture.Cluster.Silos[0]).ServiceProvider.GetRequiredService<ITwinJournal>();
        var records = (await journal.ReadAsync(id, 0)).Select(e => e.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, records.Count).Select(n => (long)n), records);
        Assert.True(records.Count >= 2);
        Assert.Equal(records[^1], stored.State!.JournalSequence);
        Assert.Equal(2, (await twin.GetAsync())!.Odometer!.Value);
    }
}
