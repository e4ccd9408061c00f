using System.Diagnostics;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Grains.Telemetry;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// A vehicle twin's notification outbox: hands the notifications its state keeps in <see cref="VehicleTwinState.Outbox"/>
/// to the <see cref="INotificationSink"/> at once, retries with backoff while the sink is down, and lets the twin journal
/// what the sink took (<see cref="OutboxDelivered"/>). The durable <see cref="ReminderName"/>, which resumes delivery after a
/// crash, is registered only once a delivery failed: the usual path, a notification taken by the sink within
/// milliseconds, writes no reminder. A crash in those milliseconds leaves the notification in the journaled outbox
/// until the twin's next activation (docs/RELIABILITY.md). The sink's call (a webhook may answer slowly) holds no turn
/// of the twin: it interleaves with the twin's calls, reading only the batch it was given, and what the sink took is
/// journaled in a turn of its own.
/// </summary>
internal sealed class NotificationOutbox(
    IGrainBase grain, TwinTurns turns, string twinId, Func<VehicleTwinState> state, INotificationSink sink, TimeProvider clock,
    TwinMetrics metrics, ILogger logger, Func<OutboxDelivered, Task> delivered)
{
    /// <summary>The durable reminder that resumes delivery after a crash, registered while the outbox is not empty.</summary>
    public const string ReminderName = "outbox";

    /// <summary>The most notifications handed to the sink in one call.</summary>
    private const int BatchSize = 500;

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private IdleGrainTimer? timer;
    private IdleGrainTimer? settler;
    private bool reminderRegistered;

    /// <summary>A batch is with the sink, or taken and not journaled yet: no other delivery starts meanwhile.</summary>
    private bool delivering;

    /// <summary>The ids of the batch the sink took, for <see cref="SettleAsync"/> to journal.</summary>
    private List<string> taken = [];
    private TimeSpan backoff = FirstBackoff;
    private DateTimeOffset? nonEmptySince;

    private VehicleTwinState State => state();

    private IdleGrainTimer Timer => timer ??= new(grain, turns, DeliverAsync, interleave: true);

    private IdleGrainTimer Settler => settler ??= new(grain, turns, SettleAsync);

    /// <summary>Delivers what the outbox holds, soon (after activation or a change that raised notifications); a no-op while a delivery is scheduled.</summary>
    public void Start()
    {
        if (State.Outbox.Count > 0 && !Timer.Armed && !delivering)
        {
            Schedule(TimeSpan.Zero);
        }
    }

    /// <summary>
    /// A tick of <see cref="ReminderName"/>: resumes delivery in an activation that has none scheduled (after a crash; one
    /// backing off keeps its backoff), or unregisters the reminder once it finds nothing to deliver.
    /// </summary>
    public async Task ReceiveReminderAsync()
    {
        if (State.Outbox.Count > 0)
        {
            Start();
        }
        else if (await grain.GetReminder(ReminderName) is { } idle)
        {
            // Unregistered only once a tick finds nothing to deliver: a twin that raises notifications often
            // keeps one registration instead of writing the reminder table twice per delivery.
            await grain.UnregisterReminder(idle);
            reminderRegistered = false;
        }
    }

    /// <summary>Stops counting this twin's outbox in the gauges: whichever silo activates it next counts it again.</summary>
    public void Unreport() => metrics.Outbox(twinId, 0, default);

    private void Schedule(TimeSpan dueTime)
    {
        Report();
        if (State.Outbox.Count == 0)
        {
            Timer.ReleaseIfIdle();
            return;
        }

        Timer.Arm(dueTime);
    }

    /// <summary>
    /// Hands the outbox to the sink, interleaved with the twin's calls (the batch is a copy: nothing here touches the
    /// state); what was taken is journaled by <see cref="SettleAsync"/>, a failure retried with backoff.
    /// </summary>
    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        var batch = State.Outbox.Take(BatchSize).ToList();
        if (batch.Count == 0)
        {
            return;
        }

        delivering = true;
        using (var activity = FleetTwinsActivities.StartPublish(batch, twinId))
        {
            try
            {
                await sink.PublishAsync(batch, cancellationToken);
                metrics.Published(batch.Count, delivered: true);
            }
            catch (Exception e)
            {
                activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                metrics.Published(batch.Count, delivered: false);
                logger.LogWarning(e, "Delivering {Count} notifications of {TwinId} failed; retrying in {Backoff}", batch.Count, twinId, backoff);
                delivering = false;
                Schedule(backoff);
                await EnsureReminderAsync();
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                return;
            }
        }

        backoff = FirstBackoff;
        taken = [.. batch.Select(n => n.Id)];
        Settler.Arm(TimeSpan.Zero);
    }

    /// <summary>Journals what the sink took (a turn of the twin), then delivers the rest if any is left.</summary>
    private async Task SettleAsync(CancellationToken cancellationToken)
    {
        try
        {
            await delivered(new OutboxDelivered(taken));
        }
        finally
        {
            delivering = false;
        }

        Settler.ReleaseIfIdle();
        Schedule(TimeSpan.Zero); // reports the outbox, and delivers the rest if any is left
    }

    /// <summary>Registers the reminder once per activation; a failure leaves the retries to the timer.</summary>
    private async Task EnsureReminderAsync()
    {
        if (reminderRegistered)
        {
            return;
        }

        try
        {
            await grain.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
            reminderRegistered = true;
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "The outbox reminder of {TwinId} could not be registered; the timer keeps retrying", twinId);
        }
    }

    /// <summary>The outbox gauges: its depth, and since when it has not been empty (as this activation saw it).</summary>
    private void Report()
    {
        nonEmptySince = State.Outbox.Count == 0 ? null : nonEmptySince ?? clock.GetUtcNow();
        metrics.Outbox(twinId, State.Outbox.Count, nonEmptySince ?? default);
    }
}
