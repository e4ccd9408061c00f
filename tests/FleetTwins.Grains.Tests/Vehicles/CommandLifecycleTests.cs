using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Vehicles;

namespace FleetTwins.Grains.Tests.Vehicles;

public sealed class CommandLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    private static readonly CommandOptions Options = new() { Timeout = Timeout };

    private static VehicleCommand Send(List<VehicleCommand> commands, string command, string? key = null, string args = "{}", DateTimeOffset? at = null,
        List<VehicleCommand>? remembered = null, string? provider = null) =>
        CommandLifecycle.Send(commands, remembered ?? [], new CommandRequest(command, args, key), $"cmd_{Guid.NewGuid():N}", at ?? T0, Options, provider);

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
    public void Report_for_a_kind_never_sent_is_the_providers_own_command_and_credits_none_of_ours()
    {
        var commands = new List<VehicleCommand>();
        var ours = Send(commands, "LOCK_DOORS");

        CommandLifecycle.ApplyReport(commands, Report("UNLOCK_DOORS", "EXECUTED", "p-own"), Sources.Volteras);
        CommandLifecycle.ApplyReport(commands, Report("UNLOCK_DOORS", "CONFIRMED", "p-own", minutes: 2), Sources.Volteras);

        Assert.Equal(CommandStatus.PENDING, commands.Single(c => c.Id == ours.Id).Status);
        var theirs = commands.Single(c => c.Id != ours.Id);
        Assert.Equal((Sources.Volteras, "p-own", CommandStatus.CONFIRMED), (theirs.ReportedBy, theirs.ProviderCommandId, theirs.Status));
        Assert.Equal([CommandStatus.PENDING, CommandStatus.EXECUTED, CommandStatus.CONFIRMED], theirs.History.Select(h => h.Status));
    }

    [Fact]
    public void Providers_own_command_gets_the_same_id_when_its_report_is_applied_again()
    {
        List<VehicleCommand> Replayed()
        {
            var commands = new List<VehicleCommand>();
            CommandLifecycle.ApplyReport(commands, Report("START_CHARGING", "PENDING"), Sources.Telematica);
            return commands;
        }

        Assert.Equal(Assert.Single(Replayed()).Id, Assert.Single(Replayed()).Id);
    }

    [Fact]
    public void Report_matches_by_the_provider_command_id_the_dispatcher_answered_never_by_kind_once_that_is_known()
    {
        var commands = new List<VehicleCommand>();
        var ours = Send(commands, "START_CHARGING", provider: Sources.Volteras);
        commands[0] = CommandLifecycle.Dispatched(commands[0], "webhook:http://receiver/commands", 2, "p-ours", T0.AddSeconds(5));

        CommandLifecycle.ApplyReport(commands, Report("START_CHARGING", "EXECUTED", "p-someone-else"), Sources.Volteras);
        Assert.Equal(CommandStatus.PENDING, commands.Single(c => c.Id == ours.Id).Status);

        CommandLifecycle.ApplyReport(commands, Report("START_CHARGING", "EXECUTED", "p-ours", minutes: 2), Sources.Volteras);
        var command = commands.Single(c => c.Id == ours.Id);
        Assert.Equal(CommandStatus.EXECUTED, command.Status);
        var dispatched = command.History.Single(h => h.Reason == "dispatched");
        Assert.Equal(("webhook:http://receiver/commands", 2, CommandStatus.PENDING), (dispatched.Channel, dispatched.Attempt, dispatched.Status));
    }

    [Fact]
    public void Report_matches_by_kind_only_within_the_commands_window_and_from_its_provider()
    {
        var commands = new List<VehicleCommand>();
        var ours = Send(commands, "STOP_CHARGING", provider: Sources.Volteras);

        CommandLifecycle.ApplyReport(commands, Report("STOP_CHARGING", "EXECUTED", minutes: -5), Sources.Volteras); // before it was sent
        CommandLifecycle.ApplyReport(commands, Report("STOP_CHARGING", "EXECUTED", minutes: 11), Sources.Volteras); // after its deadline
        CommandLifecycle.ApplyReport(commands, Report("STOP_CHARGING", "EXECUTED", minutes: 3), Sources.Telematica); // another provider
        Assert.Equal(CommandStatus.PENDING, commands.Single(c => c.Id == ours.Id).Status);
        Assert.Equal(3, commands.Count(c => c.ReportedBy is not null));

        CommandLifecycle.ApplyReport(commands, Report("STOP_CHARGING", "EXECUTED", minutes: 4), Sources.Volteras);
        Assert.Equal(CommandStatus.EXECUTED, commands.Single(c => c.Id == ours.Id).Status);
    }

    [Fact]
    public void A_providers_own_commands_are_bounded_and_never_supersede_or_time_out_ours()
    {
        var commands = new List<VehicleCommand>();
        for (var i = 0; i < CommandLifecycle.ProviderOwnRetained + 5; i++)
        {
            CommandLifecycle.ApplyReport(commands, Report("UNLOCK_DOORS", "PENDING", $"p-{i}"), Sources.Volteras);
        }

        var ours = Send(commands, "UNLOCK_DOORS");

        Assert.Equal(CommandLifecycle.ProviderOwnRetained, commands.Count(c => c.ReportedBy is not null));
        Assert.Contains(commands, c => c.ProviderCommandId == $"p-{CommandLifecycle.ProviderOwnRetained + 4}");
        Assert.All(commands.Where(c => c.ReportedBy is not null), c => Assert.Equal(CommandStatus.PENDING, c.Status));
        Assert.True(CommandLifecycle.Expire(commands, T0 + Timeout));
        Assert.Equal([ours.Id], commands.Where(c => c.Status == CommandStatus.TIMED_OUT).Select(c => c.Id));
    }

    [Fact]
    public void Request_fingerprint_ignores_formatting_but_not_what_is_asked()
    {
        static string Of(string args, string? provider = null) => new CommandRequest("SET_CHARGE_LIMIT", args, "k", provider).Fingerprint();

        Assert.Equal(Of("""{"limit":80,"unit":"percent"}"""), Of("""{ "unit": "percent", "limit": 80.0 }"""));
        Assert.Equal(Of("""{"a":[1,{"b":2e1}]}"""), Of("""{"a":[1.00,{"b":20}]}"""));
        Assert.NotEqual(Of("""{"limit":80}"""), Of("""{"limit":81}"""));
        Assert.NotEqual(Of("""{"limit":80}"""), Of("""{"limit":"80"}"""));
        Assert.NotEqual(Of("""{"limit":80}"""), Of("""{"limit":80}""", Sources.Telematica));
        Assert.NotEqual(Of("""{"a":[1,2]}"""), Of("""{"a":[2,1]}"""));
    }

    [Fact]
    public void Reused_idempotency_key_answers_a_command_that_says_whether_it_is_what_was_asked()
    {
        var commands = new List<VehicleCommand>();
        var first = Send(commands, "SET_CHARGE_LIMIT", "key-9", """{"limit":80}""");

        var same = Send(commands, "SET_CHARGE_LIMIT", "key-9", """{ "limit": 80 }""");
        var other = Send(commands, "SET_CHARGE_LIMIT", "key-9", """{"limit":90}""");

        Assert.Equal([first.Id, first.Id], new[] { same.Id, other.Id });
        Assert.True(same.Answers(new CommandRequest("SET_CHARGE_LIMIT", """{ "limit": 80 }""", "key-9")));
        Assert.False(other.Answers(new CommandRequest("SET_CHARGE_LIMIT", """{"limit":90}""", "key-9")));
        Assert.False(other.Answers(new CommandRequest("STOP_CHARGING", """{"limit":80}""", "key-9")));
        Assert.Single(commands);
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

        Assert.Equal(CommandStatus.TIMED_OUT, Assert.Single(commands, c => c.ReportedBy is null).Status);
    }
}
