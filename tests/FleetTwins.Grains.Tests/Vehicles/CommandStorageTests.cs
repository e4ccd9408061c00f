using System.Text.Json;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Vehicles;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FleetTwins.Grains.Tests.Vehicles;

/// <summary>
/// What a command makes the host store: a journal record about its own size (commands and what becomes of them are
/// journaled like readings), the twin's whole state only on the snapshot schedule; and the journal replays them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CommandStorageTests(ClusterFixture fixture)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(VehicleTwinState).Assembly).AddAssembly(typeof(VehicleTwin).Assembly))
        .BuildServiceProvider().GetRequiredService<Serializer>();

    private IVehicleTwinGrain Vehicle(string id) => fixture.Client.GetGrain<IVehicleTwinGrain>(id);

    private static string Arguments(int i) => JsonSerializer.Serialize(new { limit = 80, note = $"{i:D4}{new string('x', 1000)}" });

    [Fact]
    public async Task Commands_with_1_KB_arguments_store_a_few_KiB_each_whatever_the_twin_holds()
    {
        const int commands = 500;
        var id = $"cmd-bytes-{Guid.NewGuid():N}";
        await Vehicle(id).RegisterAsync(new VehicleRegistration(null));

        for (var i = 0; i < commands; i++)
        {
            Assert.NotNull(await Vehicle(id).SendCommandAsync(new CommandRequest("SET_CHARGE_LIMIT", Arguments(i), null)));
        }

        var journaled = (await fixture.Journal.ReadAsync(id, 0)).Sum(e => (long)e.Record.Length);
        var (snapshots, archived) = fixture.Archive.Of(id);
        var perCommand = (journaled + archived) / commands;
        // The twin keeps the newest 50 commands (~60 KiB): a whole snapshot per command would be that much each.
        Assert.True(perCommand <= 4 * 1024, $"{perCommand} bytes stored per command ({snapshots} snapshots archived, {archived} bytes; journal {journaled} bytes)");
        Assert.True(snapshots <= commands / 50, $"{snapshots} snapshots archived for {commands} commands");
    }

    [Fact]
    public async Task The_journal_replayed_onto_an_older_snapshot_is_the_twin_with_its_commands()
    {
        var id = $"cmd-replay-{Guid.NewGuid():N}";
        var twin = Vehicle(id);
        await twin.RegisterAsync(new VehicleRegistration(null));

        // Enough to supersede, prune past the newest 50 and remember idempotency keys; dispatched or noted as going nowhere.
        var sent = new List<VehicleCommand>();
        for (var i = 0; i < 60; i++)
        {
            sent.Add((await twin.SendCommandAsync(new CommandRequest(i % 3 == 0 ? "START_CHARGING" : "SET_CHARGE_LIMIT", Arguments(i), $"k{i}",
                i % 2 == 0 ? "volteras" : "nobody")))!);
        }

        await Eventually.UntilAsync(async () => (await twin.GetCommandsAsync()).Where(c => c.Provider == "volteras" && !c.IsFinal)
            .All(c => c.History.Any(h => h.Reason == "dispatched")));
        // And the reminder times the open ones out.
        fixture.Clock.Advance(TimeSpan.FromMinutes(11));
        await Eventually.UntilAsync(async () => (await twin.GetCommandsAsync()).All(c => c.IsFinal));
        var commands = await twin.GetCommandsAsync();
        Assert.Contains(commands, c => c.Status == CommandStatus.TIMED_OUT);
        Assert.Contains(commands, c => c.Status == CommandStatus.SUPERSEDED);

        // The registration's snapshot (the oldest archived) and every record after it: what the next activation replays.
        var registered = (await fixture.Archive.FindAsync(id, null))!;
        var replayed = Serializer.Deserialize<VehicleTwinState>(registered.State)!;
        Assert.Empty(replayed.Commands);
        foreach (var entry in await fixture.Journal.ReadAsync(id, registered.Sequence))
        {
            replayed.Replay(id, Serializer.Deserialize<TwinChange>(entry.Record)!, new());
            replayed.JournalSequence = entry.Sequence;
        }

        Assert.Equal(JsonSerializer.Serialize(await twin.GetAsync(), Json), JsonSerializer.Serialize(replayed.ToSnapshot(id), Json));
        Assert.Equal(JsonSerializer.Serialize(commands, Json), JsonSerializer.Serialize(replayed.Commands, Json));
        Assert.Empty(replayed.Dispatches);
        // A command pruned from the newest 50 is remembered by its key: a retry is answered, not sent again.
        Assert.DoesNotContain(commands, c => c.Id == sent[0].Id);
        Assert.Contains(replayed.RememberedCommands, c => c.Id == sent[0].Id);
        Assert.Equal(sent[0].Id, (await twin.SendCommandAsync(new CommandRequest("START_CHARGING", Arguments(0), "k0", "volteras")))!.Id);
    }
}
