using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Grains.Tests.Vehicles;

/// <summary>The dispatch outbox: commands handed to their provider's dispatcher, durably; and notifications raised by reminders.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DispatchTests(ClusterFixture fixture)
{
    private IVehicleTwinGrain Vehicle(string id) => fixture.Client.GetGrain<IVehicleTwinGrain>(id);

    /// <summary>A twin that Volteras reports, as volteras:&lt;id&gt;.</summary>
    private async Task<string> VolterasTwinAsync()
    {
        var id = $"volteras:v-{Guid.NewGuid():N}";
        await Vehicle(id).ApplyAsync(new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new StateOfChargeReported(40) { At = fixture.Clock.GetUtcNow() }]), new VehicleIdentity(null, [id]));
        return id;
    }

    private async Task<VehicleCommand> EventuallyAsync(string twinId, string commandId, Func<VehicleCommand, bool> done, bool advance = false)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        VehicleCommand command;
        do
        {
            command = (await Vehicle(twinId).GetCommandsAsync()).Single(c => c.Id == commandId);
            if (done(command))
            {
                return command;
            }

            if (advance)
            {
                fixture.Clock.Advance(TimeSpan.FromSeconds(1));
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        return command;
    }

    [Fact]
    public async Task Command_goes_to_the_dispatcher_of_the_provider_serving_the_vehicle_and_its_answer_matches_the_reports()
    {
        var id = await VolterasTwinAsync();
        var sent = (await Vehicle(id).SendCommandAsync(new CommandRequest("START_CHARGING", """{"power":11}""", "k-1")))!;

        var command = await EventuallyAsync(id, sent.Id, c => c.History.Any(h => h.Reason == "dispatched"));
        var dispatch = Assert.Single(fixture.Dispatcher.Received, d => d.CommandId == sent.Id);
        Assert.Equal((id, Sources.Volteras, id["volteras:".Length..], "START_CHARGING", """{"power":11}""", "k-1"),
            (dispatch.TwinId, dispatch.Provider, dispatch.ProviderVehicleId, dispatch.Command, dispatch.ArgumentsJson, dispatch.IdempotencyKey));
        var entry = command.History.Single(h => h.Reason == "dispatched");
        Assert.Equal((RecordingDispatcher.Channel, 1, CommandStatus.PENDING), (entry.Channel, entry.Attempt, entry.Status));
        Assert.Equal((Sources.Volteras, $"prov-{sent.Id}"), (command.Provider, command.ProviderCommandId));

        await Vehicle(id).ApplyAsync(new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new CommandStatusReported($"prov-{sent.Id}", "START_CHARGING", "EXECUTED", null) { At = fixture.Clock.GetUtcNow() }]), new VehicleIdentity(null, [id]));
        Assert.Equal(CommandStatus.EXECUTED, (await Vehicle(id).GetCommandsAsync()).Single(c => c.Id == sent.Id).Status);
    }

    [Fact]
    public async Task Dispatcher_down_delays_the_dispatch_with_backoff_and_loses_nothing()
    {
        var id = await VolterasTwinAsync();
        fixture.Dispatcher.FailFor(id, 4);
        var sent = (await Vehicle(id).SendCommandAsync(new CommandRequest("LOCK_DOORS", "{}", null)))!;

        var command = await EventuallyAsync(id, sent.Id, c => c.History.Any(h => h.Reason == "dispatched"), advance: true);

        var dispatched = command.History.Single(h => h.Reason == "dispatched");
        Assert.Equal(5, dispatched.Attempt);
        // The backoff after each of the four failures: 1, 2, 4 and 4 s (the cap) of the grain's clock at the least.
        Assert.True(dispatched.At - command.CreatedAt >= TimeSpan.FromSeconds(11), $"dispatched {dispatched.At - command.CreatedAt} after it was accepted");
        Assert.Single(fixture.Dispatcher.Received, d => d.CommandId == sent.Id);
        Assert.Equal(CommandStatus.PENDING, command.Status);
    }

    [Fact]
    public async Task Command_for_a_provider_without_dispatcher_says_so_in_its_history_and_goes_nowhere()
    {
        var id = await VolterasTwinAsync();

        var sent = (await Vehicle(id).SendCommandAsync(new CommandRequest("UNLOCK_DOORS", "{}", null, "nobody")))!;

        Assert.Equal(["accepted", "not dispatched: no dispatcher for nobody"], sent.History.Select(h => h.Reason));
        Assert.Equal("nobody", sent.Provider);

        // A later command the dispatcher serves: the outbox pass that hands it on goes through every pending entry in
        // the order planned, so once it was dispatched an entry of the first one would have been sent before it.
        var later = (await Vehicle(id).SendCommandAsync(new CommandRequest("LOCK_DOORS", "{}", null)))!;
        await EventuallyAsync(id, later.Id, c => c.History.Any(h => h.Reason == "dispatched"), advance: true);
        Assert.Single(fixture.Dispatcher.Received, d => d.CommandId == later.Id);
        Assert.DoesNotContain(fixture.Dispatcher.Received, d => d.CommandId == sent.Id);
    }

    [Fact]
    public async Task Command_that_finished_before_a_dispatcher_took_it_is_never_sent()
    {
        var id = await VolterasTwinAsync();
        fixture.Dispatcher.FailFor(id, 1);
        var sent = (await Vehicle(id).SendCommandAsync(new CommandRequest("STOP_CHARGING", "{}", null)))!;
        await Vehicle(id).ApplyAsync(new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new CommandStatusReported(null, "STOP_CHARGING", "FAILED", "vehicle asleep") { At = fixture.Clock.GetUtcNow() }]), new VehicleIdentity(null, [id]));

        // Past the backoff of the failed first attempt (if it came before the report), then a later command: the outbox
        // pass that dispatches it goes through every pending entry in the order planned, the finished one's first.
        fixture.Clock.Advance(TimeSpan.FromSeconds(10));
        var later = (await Vehicle(id).SendCommandAsync(new CommandRequest("LOCK_DOORS", "{}", null)))!;
        await EventuallyAsync(id, later.Id, c => c.History.Any(h => h.Reason == "dispatched"), advance: true);
        Assert.Single(fixture.Dispatcher.Received, d => d.CommandId == later.Id);

        var command = (await Vehicle(id).GetCommandsAsync()).Single(c => c.Id == sent.Id);
        Assert.Equal(CommandStatus.FAILED, command.Status);
        Assert.DoesNotContain(command.History, h => h.Reason == "dispatched");
        Assert.DoesNotContain(fixture.Dispatcher.Received, d => d.CommandId == sent.Id);
    }

    [Fact]
    public async Task Notifications_raised_by_the_reminder_reach_live_watchers_and_the_metrics_like_a_deliverys()
    {
        var raised = new ConcurrentQueue<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "fleettwins.notifications.raised")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "type")
                {
                    raised.Enqueue((string)tag.Value!);
                }
            }
        });
        listener.Start();

        var id = await VolterasTwinAsync();
        var recorder = new RecordingWatcher();
        var watcher = fixture.Client.CreateObjectReference<IVehicleWatcher>(recorder);
        await Vehicle(id).WatchAsync(watcher);
        var sent = (await Vehicle(id).SendCommandAsync(new CommandRequest("UNLOCK_DOORS", "{}", null, "nobody")))!;
        await Vehicle(id).ApplyAsync(new TwinEventBatch<VehicleEvent>($"d-{Guid.NewGuid():N}", Sources.Volteras,
            [new ConnectivityReported(false) { At = fixture.Clock.GetUtcNow() }]), new VehicleIdentity(null, [id]));

        fixture.Clock.Advance(TimeSpan.FromMinutes(11));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !(recorder.Notifications.Any(n => n.Type == "command-timed-out") && recorder.Notifications.Any(n => n.Type == "vehicle-offline")))
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }

        Assert.Single(recorder.Notifications, n => n.Type == "command-timed-out" && n.TwinId == id);
        Assert.Single(recorder.Notifications, n => n.Type == "vehicle-offline" && n.TwinId == id);
        Assert.Contains("command-timed-out", raised);
        Assert.Contains("vehicle-offline", raised);
        Assert.Contains(recorder.Commands, c => c.Id == sent.Id && c.Status == CommandStatus.TIMED_OUT);
        Assert.Contains(recorder.Seen, t => !t.Online);
        fixture.Client.DeleteObjectReference<IVehicleWatcher>(watcher);
    }
}
