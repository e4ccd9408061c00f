using System.Diagnostics;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// The durable reminder that times a twin's commands out, announces its vehicle offline after the dwell time and lets
/// the rules and geofences decide while the vehicle is silent (a <c>for</c>, a dwell running); it
/// goes once nothing is left to wait for. Its tick also resumes the dispatch of commands a previous activation left.
/// </summary>
internal sealed class TimeoutReminder(
    IGrainBase grain, Func<VehicleTwinState> state, TimeSpan period, TimeProvider clock, CommandDispatchOutbox dispatch,
    NotificationOutbox outbox, Func<TimeoutsChecked, Task<bool>> check, Func<bool> geofencesWaiting)
{
    public const string ReminderName = "timeouts";

    private bool registered;

    private VehicleTwinState State => state();

    /// <summary>Registers the reminder once per activation (each registration is a write to the reminder table).</summary>
    public async Task EnsureAsync()
    {
        if (!registered)
        {
            await grain.RegisterOrUpdateReminder(ReminderName, period, period);
            registered = true;
        }
    }

    /// <summary>
    /// A tick of <see cref="ReminderName"/>: times out open commands past their deadline and announces the vehicle offline
    /// after the dwell time (<see cref="TimeoutsChecked"/>, journaled when it changed anything, then delivered), and stops
    /// the reminder once nothing is left to wait for.
    /// </summary>
    public async Task ReceiveReminderAsync()
    {
        if (State.MergedInto is not null)
        {
            // Its commands and its offline dwell moved with it to the twin it was merged into.
            await StopAsync();
            return;
        }

        dispatch.Start(); // resumes a dispatch this silo never started (the twin's previous silo died)
        if (await check(new TimeoutsChecked(clock.GetUtcNow(), Activity.Current?.Id)))
        {
            outbox.Start();
        }

        var waiting = State.Commands.Any(CommandLifecycle.Awaited) || (State.OfflineSince is not null && !State.OfflineAnnounced) || State.RulesWaiting || geofencesWaiting();
        if (!waiting)
        {
            await StopAsync();
        }
    }

    /// <summary>Unregisters the reminder, when registered: nothing is left to wait for.</summary>
    private async Task StopAsync()
    {
        if (await grain.GetReminder(ReminderName) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
            registered = false;
        }
    }
}
