using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Vehicles;
using FleetTwins.Persistence.Journal;
using FleetTwins.Persistence.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace FleetTwins.Grains.Tests.Vehicles;

/// <summary>
/// A twin's first record is written after its snapshot (which already holds the change): a failure between the two
/// writes, a full disk, must not leave a state whose change the journal never records.
/// </summary>
public sealed class FirstRecordTests
{
    private const string TwinId = "vin:WFIRSTRECORD00001";

    private static readonly DateTimeOffset At = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(VehicleTwinState).Assembly).AddAssembly(typeof(VehicleTwin).Assembly))
        .BuildServiceProvider().GetRequiredService<Serializer>();

    private readonly InProcessTwinJournal journal = new(new OptionsWrapper<JournalOptions>(new JournalOptions()), TimeProvider.System);

    private readonly StoredSnapshot stored = new();

    [Fact]
    public async Task A_journal_write_that_fails_after_the_first_snapshot_is_journaled_at_the_next_activation()
    {
        var twin = stored.Load();
        var change = FirstDelivery("d-first", 42);
        twin.State.Replay(TwinId, change, new NotificationOptions());
        var full = new FullDiskJournal(journal);

        await Assert.ThrowsAsync<IOException>(() => Persistence(twin, full).AppendAsync(change, "d-first", At));
        Assert.True(stored.Exists, "the snapshot was written before the journal failed");
        Assert.Empty(await journal.ReadAsync(TwinId, 0));

        // The twin deactivates after a failed write; the provider's retry activates it again from storage.
        var again = stored.Load();
        Assert.Equal(0, await Persistence(again, journal).RecoverAsync(new NotificationOptions()));

        var record = Assert.Single(await journal.ReadAsync(TwinId, 0));
        Assert.Equal((1L, "d-first"), (record.Sequence, record.DeliveryId));
        Assert.Equal(Serializer.SerializeToArray<TwinChange>(change), record.Record);
        Assert.Equal(42, again.State.StateOfCharge?.Value);
        Assert.Null(again.State.Unjournaled);
        Assert.Equal(1, again.State.JournalSequence);
    }

    [Fact]
    public async Task A_first_record_that_was_journaled_is_neither_written_again_nor_replayed_twice()
    {
        var twin = stored.Load();
        var first = FirstDelivery("d-first", 42);
        twin.State.Replay(TwinId, first, new NotificationOptions());
        var persistence = Persistence(twin, journal);
        await persistence.AppendAsync(first, "d-first", At);
        var second = FirstDelivery("d-second", 43);
        twin.State.Replay(TwinId, second, new NotificationOptions());
        await persistence.AppendAsync(second, "d-second", At.AddMinutes(1));

        var again = stored.Load();
        Assert.Equal(1, await Persistence(again, journal).RecoverAsync(new NotificationOptions()));

        Assert.Equal([1L, 2L], (await journal.ReadAsync(TwinId, 0)).Select(e => e.Sequence));
        Assert.Equal(43, again.State.StateOfCharge?.Value);
        Assert.Equal(2, again.State.Version);
    }

    [Fact]
    public async Task A_snapshot_that_carries_its_record_does_not_let_retention_delete_it()
    {
        var twin = stored.Load();
        var change = FirstDelivery("d-first", 42);
        twin.State.Replay(TwinId, change, new NotificationOptions());
        var covered = new CoverageJournal(journal);
        var persistence = Persistence(twin, covered);
        await persistence.AppendAsync(change, "d-first", At);

        await persistence.ReportCoveredAsync();
        Assert.Empty(covered.Reported);

        await persistence.SnapshotAsync();
        await persistence.ReportCoveredAsync();
        Assert.Equal([1L], covered.Reported);
    }

    private static DeliveryApplied FirstDelivery(string deliveryId, double stateOfCharge) =>
        new(new TwinEventBatch<VehicleEvent>(deliveryId, Sources.Volteras, [new StateOfChargeReported(stateOfCharge) { At = At }]), At, null);

    private static TwinPersistence Persistence(IPersistentState<VehicleTwinState> state, ITwinJournal journal) =>
        new(TwinId, state, journal, Serializer, new SnapshotOptions());

    /// <summary>Grain storage of one twin: what was written survives into the next activation's state.</summary>
    private sealed class StoredSnapshot
    {
        private byte[]? bytes;

        public bool Exists => bytes is not null;

        public IPersistentState<VehicleTwinState> Load() => new Activation(this,
            bytes is null ? new VehicleTwinState() : Serializer.Deserialize<VehicleTwinState>(bytes)!);

        private sealed class Activation(StoredSnapshot store, VehicleTwinState state) : IPersistentState<VehicleTwinState>
        {
            public VehicleTwinState State { get; set; } = state;

            public string? Etag => null;

            public bool RecordExists => store.Exists;

            public Task ClearStateAsync() => throw new NotSupportedException();

            public Task WriteStateAsync()
            {
                store.bytes = Serializer.SerializeToArray(State);
                return Task.CompletedTask;
            }

            public Task ReadStateAsync() => throw new NotSupportedException();
        }
    }

    /// <summary>A journal on a disk that just filled up: every append fails.</summary>
    private sealed class FullDiskJournal(ITwinJournal inner) : ITwinJournal
    {
        public Task AppendAsync(JournalEntry entry) => Task.FromException(new IOException("No space left on device"));

        public Task<IReadOnlyList<JournalEntry>> ReadAsync(string twinId, long afterSequence) => inner.ReadAsync(twinId, afterSequence);

        public Task CoveredAsync(string twinId, long sequence) => inner.CoveredAsync(twinId, sequence);
    }

    /// <summary>Records what retention is told a snapshot covers.</summary>
    private sealed class CoverageJournal(ITwinJournal inner) : ITwinJournal
    {
        public List<long> Reported { get; } = [];

        public Task AppendAsync(JournalEntry entry) => inner.AppendAsync(entry);

        public Task<IReadOnlyList<JournalEntry>> ReadAsync(string twinId, long afterSequence) => inner.ReadAsync(twinId, afterSequence);

        public Task CoveredAsync(string twinId, long sequence)
        {
            Reported.Add(sequence);
            return inner.CoveredAsync(twinId, sequence);
        }
    }
}
