using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Vehicles;

namespace FleetTwins.Grains.Tests.Vehicles;

public sealed class CommandLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    private static readonly CommandOptions Options = new() { Timeout = Timeout };

    private static VehicleCommand Send(List<VehicleCommand> commands, string command, string? key = null, string args = "{}", DateTimeOffset? at = null,
        List<VehicleCommand>? remembered = null) =>
        CommandLifecycle.Send(commands, remembered ?? [], new CommandRequest(command, args, key), $"cmd_{Guid.NewGuid():N}", at ?? T0, Options);

    private static CommandStatusReported Report(string command, string status, string? id = null, string? reason = null, int minutes = 1) =>
        new(id, command, status, reason) { At = T0.AddMinutes(minutes) };

    [Fact]
    public void New_command_is_pending_with_its_deadline_and_first_history_entry()
    {
        var command = Send([], "START_CHARGING");

        Assert.Equal(CommandStatus.PENDING, command.Status);
        Assert.Equal(T0 + Timeout, command.Deadline);
        Assert.Equal(CommandStatus.PENDING, Assert.Single(command.History).Status);
    }

    [Fact]
    public void Same_idempotency_key_answers_the_same_command()
    {
        var commands = new List<VehicleCommand>();
        var first = Send(commands, "START_CHARGING", "key-1");

        var again = Send(commands, "START_CHARGING", "key-1");

        Assert.Equal(first.Id, again.Id);
        Assert.Single(commands);
    }

    [Fact]
    public void Idempotency_key_answers_its_command_for_the_window_after_50_newer_commands_pushed_it_out()
    {
        var commands = new List<VehicleCommand>();
        var remembered = new List<VehicleCommand>();
        var first = Send(commands, "LOCK_DOORS", "key-kept", remembered: remembered);
        for (var i = 0; i < CommandLifecycle.Retained + 10; i++)
        {
            Send(commands, "LOCK_DOORS", $"other-{i}", at: T0.AddMinutes(i + 1), remembered: remembered);
        }

        var again = Send(commands, "LOCK_DOORS", "key-kept", at: T0.AddHours(23), remembered: remembered);

        Assert.DoesNotContain(commands, c => c.Id == first.Id);
        Assert.Equal((first.Id, CommandStatus.SUPERSEDED, first.CreatedAt), (again.Id, again.Status, again.CreatedAt));
        Assert.Equal(CommandLifecycle.Retained, commands.Count);
    }

    [Fact]
    public void Idempotency_key_older_than_the_window_sends_a_new_command()
    {
        var commands = new List<VehicleCommand>();
        var remembered = new List<VehicleCommand>();
        var first = Send(commands, "START_CHARGING", "key-old", remembered: remembered);

        var later = Send(commands, "START_CHARGING", "key-old", at: T0 + Options.IdempotencyWindow + TimeSpan.FromSeconds(1), remembered: remembered);

        Assert.NotEqual(first.Id, later.Id);
    }

    [Fact]
    public void Arguments_stored_with_an_unpaired_surrogate_confirm_nothing_and_throw_nothing()
    {
        var twin = new VehicleTwinState();
        Send(twin.Commands, "SET_CHARGE_LIMIT", args: """{"\ud800":1}""");
        twin.Apply(new ChargingDataReported(90, null, null, null, null, null) { At = T0.AddMinutes(3) }, Sources.Volteras);

        CommandLifecycle.ConfirmFromState(twin.Commands, twin);

        Assert.Equal(CommandStatus.PENDING, Assert.Single(twin.Commands).Status);
    }

    [Fact]
    public void Newer_command_of_the_same_kind_supersedes_an_open_one()
    {
        var commands = new List<VehicleCommand>();
        var first = Send(commands, "SET_CHARGE_LIMIT", args: """{"limit":80}""");
        var other = Send(commands, "LOCK_DOORS");

        var second = Send(commands, "SET_CHARGE_LIMIT", args: """{"limit":90}""", at: T0.AddMinutes(1));

        Assert.Equal(CommandStatus.SUPERSEDED, commands.Single(c => c.Id == first.Id).Status);
        Assert.Contains(second.Id, commands.Single(c => c.Id == first.Id).History[^1].Reason);
        Assert.Equal(CommandStatus.PENDING, commands.Single(c => c.Id == other.Id).Status);
    }

    [Fact]
    public void Provider_reports_move_it_forward_and_a_late_pending_never_moves_it_back()
    {
        var commands = new List<VehicleCommand>();
        Send(commands, "START_CHARGING");

        CommandLifecycle.ApplyReport(commands, Report("START_CHARGING", "EXECUTED", "p-1"), Sources.Volteras);
        CommandLifecycle.ApplyReport(commands, Report("START_CHARGING", "PENDING", "p-1"), Sources.Volteras);
        CommandLifecycle.ApplyReport(commands, Report("START_CHARGING", "EXECUTED", "p-1"), Sources.Volteras);

        var command = Assert.Single(commands);
        Assert.Equal(CommandStatus.EXECUTED, command.Status);
        Assert.Equal("p-1", command.ProviderCommandId);
        Assert.Equal([CommandStatus.PENDING, CommandStatus.EXECUTED], command.History.Select(h => h.Status));
    }

    [Fact]
    public void Failure_keeps_the_provider_reason_and_is_final()
    {
        var commands = new List<VehicleCommand>();
        Send(commands, "SET_TEMPERATURE");

        CommandLifecycle.ApplyReport(commands, Report("SET_TEMPERATURE", "FAILED", "p-2", "Vehicle not connected to network"), Sources.Volteras);
        CommandLifecycle.ApplyReport(commands, Report("SET_TEMPERATURE", "EXECUTED", "p-2", minutes: 2), Sources.Volteras);

        var command = Assert.Single(commands);
        Assert.Equal(CommandStatus.FAILED, command.Status);
        Assert.Equal("Vehicle not connected to network", command.History[^1].Reason);
    }

    [Fact]
    public void Report_for_a_kind_never_sent_changes_nothing()
    {
        var commands = new List<VehicleCommand>();
        Send(commands, "LOCK_DOORS");

        CommandLifecycle.ApplyReport(commands, Report("UNLOCK_DOORS", "EXECUTED"), Sources.Volteras);

        Assert.Equal(CommandStatus.PENDING, Assert.Single(commands).Status);
    }

    [Fact]
    public void Twin_state_showing_the_effect_confirms_the_command()
    {
        var twin = new VehicleTwinState();
        Send(twin.Commands, "START_CHARGING");
        Send(twin.Commands, "SET_CHARGE_LIMIT", args: """{"limit":90}""");
        twin.Apply(new ChargingStateReported("CHARGING") { At = T0.AddMinutes(-5) }, Sources.Volteras);
        CommandLifecycle.ConfirmFromState(twin.Commands, twin);
        Assert.All(twin.Commands, c => Assert.Equal(CommandStatus.PENDING, c.Status)); // older readings prove nothing

        twin.Apply(new ChargingStateReported("CHARGING") { At = T0.AddMinutes(2) }, Sources.Volteras);
        twin.Apply(new ChargingDataReported(90, null, null, null, null, null) { At = T0.AddMinutes(3) }, Sources.Volteras);
        CommandLifecycle.ConfirmFromState(twin.Commands, twin);

        Assert.All(twin.Commands, c => Assert.Equal(CommandStatus.CONFIRMED, c.Status));
        Assert.Equal("twin shows charging", twin.Commands.Single(c => c.Command == "START_CHARGING").History[^1].Reason);
    }

    [Fact]
    public void Open_command_past_its_deadline_times_out_and_a_late_outcome_is_ignored()
    {
        var commands = new List<VehicleCommand>();
        Send(commands, "UNLOCK_DOORS");

        Assert.False(CommandLifecycle.Expire(commands, T0 + Timeout - TimeSpan.FromSeconds(1)));
        Assert.True(CommandLifecycle.Expire(commands, T0 + Timeout));
        CommandLifecycle.ApplyReport(commands, Report("UNLOCK_DOORS", "EXECUTED", minutes: 11), Sources.Volteras);

        Assert.Equal(CommandStatus.TIMED_OUT, Assert.Single(commands).Status);
    }
}
