using FleetTwins.Abstractions.Chargers;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Grains.Tests.Vehicles;

[Collection(ClusterCollection.Name)]
public sealed class CommandGrainTests(ClusterFixture fixture)
{
    private IVehicleTwinGrain Vehicle(string id) => fixture.Client.GetGrain<IVehicleTwinGrain>(id);

    [Fact]
    public async Task Command_to_an_unknown_vehicle_is_refused()
    {
        Assert.Null(await Vehicle($"none-{Guid.NewGuid():N}").SendCommandAsync(new CommandRequest("START_CHARGING", "{}", null)));
    }

    [Fact]
    public async Task Provider_event_moves_the_command_and_the_charging_state_confirms_it()
    {
        var id = $"cmd-{Guid.NewGuid():N}";
        await Vehicle(id).RegisterAsync(new VehicleRegistration(null));
        var sent = await Vehicle(id).SendCommandAsync(new CommandRequest("START_CHARGING", "{}", "k1"));
        var now = fixture.Clock.GetUtcNow();

        await Vehicle(id).ApplyAsync(new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new CommandStatusReported("v-1", "START_CHARGING", "EXECUTED", null) { At = now }]), new VehicleIdentity(null, []));
        await Vehicle(id).ApplyAsync(new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new ChargingStateReported("CHARGING") { At = now.AddSeconds(30) }]), new VehicleIdentity(null, []));

        var command = Assert.Single(await Vehicle(id).GetCommandsAsync());
        Assert.Equal(sent!.Id, command.Id);
        Assert.Equal([CommandStatus.PENDING, CommandStatus.EXECUTED, CommandStatus.CONFIRMED], command.History.Select(h => h.Status).Distinct());
        // Registered, never reported: no provider serves it, and the history says so rather than "sent".
        Assert.Equal(["accepted", "not dispatched: no provider serves this vehicle yet (name one with \"provider\")"], command.History.Take(2).Select(h => h.Reason));
    }

    [Fact]
    public async Task Reminder_times_out_a_command_that_gets_no_outcome()
    {
        var id = $"cmd-{Guid.NewGuid():N}";
        await Vehicle(id).RegisterAsync(new VehicleRegistration(null));
        await Vehicle(id).SendCommandAsync(new CommandRequest("LOCK_DOORS", "{}", null));

        fixture.Clock.Advance(TimeSpan.FromMinutes(11));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        VehicleCommand command;
        do
        {
            command = Assert.Single(await Vehicle(id).GetCommandsAsync());
            if (command.Status == CommandStatus.TIMED_OUT)
            {
                break;
            }

            fixture.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(CommandStatus.TIMED_OUT, command.Status);
        Assert.Contains("no outcome within 10 minutes", command.History[^1].Reason);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class ChargerCommandTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Charger_command_is_confirmed_by_the_providers_charging_command_event()
    {
        var charger = fixture.Client.GetGrain<IChargerGrain>($"telematica:{Guid.NewGuid():N}");
        Assert.Null(await charger.SendCommandAsync(new CommandRequest("START_CHARGING", "{}", null)));
        var now = fixture.Clock.GetUtcNow();
        await charger.ApplyAsync(new TwinEventBatch<ChargerEvent>($"d-{Guid.NewGuid():N}", Sources.Telematica,
            [new ChargerCommandReported("STOP_CHARGING", "RESULT_CONFIRMED", true, "ok", "job-0") { At = now }]));

        var sent = await charger.SendCommandAsync(new CommandRequest("START_CHARGING", "{}", null));
        await charger.ApplyAsync(new TwinEventBatch<ChargerEvent>($"d-{Guid.NewGuid():N}", Sources.Telematica,
            [new ChargerCommandReported("START_CHARGING", "RESULT_CONFIRMED", true, "Charger command executed", "job-1") { At = now.AddSeconds(5) }]));

        var commands = await charger.GetCommandsAsync();
        var command = Assert.Single(commands, c => c.ReportedBy is null);
        Assert.Equal((sent!.Id, CommandStatus.CONFIRMED, "job-1"), (command.Id, command.Status, command.ProviderCommandId));
        // The report that came before any command of ours is the provider's own, seen but crediting nothing of ours.
        Assert.Equal(("job-0", Sources.Telematica), commands.Where(c => c.ReportedBy is not null).Select(c => (c.ProviderCommandId, c.ReportedBy)).Single());
    }
}
