using FleetTwins.Abstractions;
using System.Diagnostics;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Grains.Delivery;
using FleetTwins.Grains.Telemetry;
using FleetTwins.Abstractions.Vehicles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using FleetTwins.Abstractions.Persistence;
using Orleans.Runtime;
using Orleans.Serialization;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// The digital twin of one vehicle: keeps its live state and persists every change before answering — a delivery as a
/// journal record, rarer changes (commands, registrations, identity moves) as a snapshot (<see cref="TwinPersistence"/>).
/// </summary>
[GrainType("vehicle")]
public sealed class VehicleTwinGrain(
    [PersistentState("vehicle", StorageNames.Twins)] IPersistentState<VehicleTwinState> twin,
    TimeProvider clock,
    IOptions<CommandOptions> commandOptions,
    IOptions<NotificationOptions> notificationOptions,
    IOptions<SnapshotOptions> snapshotOptions,
    IOptions<DispatchRetryOptions> dispatchOptions,
    ITwinJournal journal,
    Serializer serializer,
    INotificationSink sink,
    ICommandDispatcher dispatcher,
    IFleetFeed fleet,
    TwinMetrics metrics,
    ILogger<VehicleTwinGrain> logger) : Grain, IVehicleTwinGrain, IVehicleTwinHandOver, IRemindable, IIncomingGrainCallFilter
{
    /// <summary>The durable reminder that times commands out and announces a vehicle offline after the dwell time.</summary>
    private const string CommandReminder = "timeouts";

    /// <summary>The durable reminder that resumes outbox delivery after a crash, registered while the outbox is not empty.</summary>
    private const string OutboxReminder = "outbox";

    private static readonly TimeSpan MaxOutboxBackoff = TimeSpan.FromMinutes(1);

    /// <summary>Live watchers; one that does not renew within a minute is dropped.</summary>
    private readonly Orleans.Utilities.ObserverManager<IVehicleWatcher> watchers = new(TimeSpan.FromMinutes(1), logger);

    /// <summary>One timer per activation, re-armed for each delivery attempt (a timer per attempt would pile up until deactivation).</summary>
    private IGrainTimer? outboxTimer;

    /// <summary>Writes a snapshot in the background once changes piled up, or a while after the first of them.</summary>
    private IGrainTimer? snapshotTimer;
    private bool snapshotScheduled;
    private TwinPersistence persistence = null!;
    private CommandDispatchOutbox dispatch = null!;

    /// <summary>How many history entries each command had when live watchers last heard of it.</summary>
    private readonly Dictionary<string, int> commandsWatched = [];
    private bool discarded;
    private bool outboxScheduled;
    private bool outboxReminderRegistered;
    private bool timeoutReminderRegistered;
    private TimeSpan outboxBackoff = TimeSpan.FromSeconds(1);
    private DateTimeOffset? outboxSince;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Twins stored before the identity rules (878c12c and earlier) may hold a second VIN: it is let go here, so that
        // the next delivery of that VIN makes its own twin instead of being refused for ever.
        persistence = new TwinPersistence(Id, twin, journal, serializer, snapshotOptions.Value,
            ServiceProvider.GetService<ITwinSnapshotArchive>());
        if (await persistence.RecoverAsync(notificationOptions.Value) > 0)
        {
            ScheduleSnapshot();
        }

        var raised = new List<Notification>();
        if (State.MergedInto is null && await Identity.ReleaseExtraVinsAsync(raised))
        {
            await SaveAsync(raised);
        }

        ScheduleOutbox(TimeSpan.Zero);
        dispatch = new CommandDispatchOutbox(this, Id, () => State, dispatcher, dispatchOptions.Value, clock, metrics, logger, () => SaveAsync());
        dispatch.Start();
        foreach (var command in State.Commands)
        {
            commandsWatched[command.Id] = command.History.Count;
        }

        // Re-project on activation: repairs a projection row a crash kept from being written (same version: no-op).
        if (State.Exists && State.MergedInto is null)
        {
            fleet.Publish(new FleetChange(State.ToSummary(Id), []));
        }
    }

    private string Id => this.GetPrimaryKeyString();

    private VehicleTwinState State => twin.State;

    /// <summary>
    /// A merged twin forwards every call of <see cref="IVehicleTwinGrain"/> to the twin it was merged into, whoever
    /// calls and whatever the method: one check here, none in the methods.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (State.MergedInto is { } target && context.InterfaceMethod.DeclaringType == typeof(IVehicleTwinGrain))
        {
            context.Result = await GrainCallForwarding.ForwardAsync(context, GrainFactory.GetGrain<IVehicleTwinGrain>(target));
            return;
        }

        await context.Invoke();
    }

    public Task<VehicleTwin?> GetAsync() => Task.FromResult(State.Exists ? State.ToSnapshot(Id) : null);

    public Task<VehicleRegistrationResult> RegisterAsync(VehicleRegistration registration) => ChangingIdentityAsync(async raised =>
    {
        var created = !State.Exists;
        var vin = registration.Vin is null ? null : VehicleIds.NormalizeVin(registration.Vin);
        var (linked, merged, conflicts) = await Identity.ClaimAsync(vin, registration.Aliases ?? [], raised);
        if (created || linked.Count > 0 || merged.Count > 0)
        {
            await SaveAsync(raised);
        }

        return new VehicleRegistrationResult(State.ToSnapshot(Id), created, linked, merged, conflicts);
    });

    public Task<VehicleTwin?> UnlinkAliasAsync(string alias) => ChangingIdentityAsync(async raised =>
    {
        if (!await Identity.UnlinkAsync(alias, raised))
        {
            return null;
        }

        await SaveAsync(raised);
        await StartOutboxAsync();
        return (VehicleTwin?)State.ToSnapshot(Id);
    });

    public Task<AliasYield> YieldAliasAsync(string alias, string toTwinId, string? toVin, bool releaseOnConflict, string source, string? deliveryId) =>
        ChangingIdentityAsync(async raised =>
        {
            var (kind, changed) = Identity.Yield(alias, toTwinId, toVin, releaseOnConflict, source, deliveryId, raised);
            if (changed)
            {
                await SaveAsync(raised);
                await StartOutboxAsync();
            }

            if (kind != AliasYieldKind.Merged)
            {
                return new AliasYield(kind, null, State.Vin, kind == AliasYieldKind.Released ? State.Deliveries : null);
            }

            // Its watchers follow the twin: they renew here, and are forwarded there, from now on.
            var handOver = new TwinHandOver(State, [.. watchers], Id);
            watchers.Clear();
            return new AliasYield(kind, handOver, State.Vin);
        });

    /// <summary>The identity rules, working on this twin's state; absorbing a twin persists before its aliases are repointed.</summary>
    private TwinIdentity Identity => new(Id, State, GrainFactory, clock, async handOver =>
    {
        foreach (var watcher in handOver.Watchers)
        {
            watchers.Subscribe(watcher, watcher);
        }

        if (!State.Absorbed.Contains(handOver.TwinId))
        {
            State.Absorb(handOver.State);
            State.Absorbed.Add(handOver.TwinId);
            await SaveAsync();
        }
    });

    /// <summary>
    /// Runs a change of identity: other grains (alias grains, other twins) change first, this twin persists last. If
    /// anything fails on the way, the activation goes, so the next call starts from what storage holds, never from a
    /// half-made change kept in memory.
    /// </summary>
    private async Task<T> ChangingIdentityAsync<T>(Func<List<Notification>, Task<T>> change)
    {
        try
        {
            return await change([]);
        }
        catch
        {
            Discard();
            throw;
        }
    }

    public async Task<VehicleTwin?> SetChargingTargetAsync(double targetSoc, string source)
    {

        if (!State.Exists)
        {
            return null;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(targetSoc, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetSoc, 100);
        State.ChargingTarget = new ChargingTarget(targetSoc, source, clock.GetUtcNow());
        await SaveAsync();
        return State.ToSnapshot(Id);
    }

    public Task<ApplyOutcome> ApplyAsync(TwinEventBatch<VehicleEvent> batch, VehicleIdentity identity) => ChangingIdentityAsync(async raised =>
    {
        if (State.Deliveries.Contains(batch.DeliveryId))
        {
            return ApplyOutcome.Duplicate;
        }

        var rules = Identity;
        if (!await rules.TakeAsync(identity, batch.Source, batch.DeliveryId, raised))
        {
            logger.LogDebug("{Provider} delivery {EventId} names {Identity}, not twin {TwinId}: refused", batch.Source, batch.DeliveryId,
                string.Join(", ", identity.AllAliases), Id);
            return ApplyOutcome.Refused;
        }

        return await ApplyEventsAsync(batch, raised, rules.Changed);
    });

    /// <summary>
    /// Applies the delivery and journals it (after a snapshot when the delivery also moved identities); answers once
    /// the record is committed. A failure on the way deactivates the twin (<see cref="ChangingIdentityAsync"/>).
    /// </summary>
    private async Task<ApplyOutcome> ApplyEventsAsync(TwinEventBatch<VehicleEvent> batch, List<Notification> identityChanges, bool identityMoved)
    {
        var notificationsBefore = State.Notifications.Count > 0 ? State.Notifications[0].Id : null;
        var change = new DeliveryApplied(batch, clock.GetUtcNow(), Activity.Current?.Id);
        State.Apply(Id, change, notificationOptions.Value, identityChanges);
        await persistence.AppendAsync(change, batch.DeliveryId, change.Now, snapshotFirst: identityMoved);
        logger.LogDebug("Applied {EventCount} events of {Provider} delivery {EventId} to {TwinId} (version {Version})",
            batch.Events.Count, batch.Source, batch.DeliveryId, Id, State.Version);
        Publish(notificationsBefore);
        ScheduleSnapshot();
        if (State.OfflineSince is not null && !State.OfflineAnnounced)
        {
            await EnsureTimeoutReminderAsync();
        }

        await StartOutboxAsync();
        return ApplyOutcome.Applied;
    }

    public async Task<VehicleCommand?> SendCommandAsync(CommandRequest request)
    {

        if (!State.Exists)
        {
            return null;
        }

        var id = $"cmd_{Guid.NewGuid():N}";
        var provider = request.Provider ?? CommandDispatchOutbox.ServingProvider(State);
        var command = CommandLifecycle.Send(State.Commands, State.RememberedCommands, request, id, clock.GetUtcNow(), commandOptions.Value, provider);
        if (command.Id == id)
        {
            command = dispatch.Enqueue(command);
            // The reminder first: a command stored without it would stay PENDING for ever; a reminder without a command stops itself.
            await this.RunOrDeactivateAsync(EnsureTimeoutReminderAsync);
            await SaveAsync();
            dispatch.Start();
        }

        return command;
    }

    public async Task<VehicleTwin?> SetNotificationThresholdsAsync(NotificationThresholds thresholds)
    {

        if (!State.Exists)
        {
            return null;
        }

        State.Thresholds = thresholds;
        await SaveAsync();
        return State.ToSnapshot(Id);
    }

    public Task WatchAsync(IVehicleWatcher watcher)
    {
        watchers.Subscribe(watcher, watcher);
        return Task.CompletedTask;
    }

    public Task UnwatchAsync(IVehicleWatcher watcher)
    {
        watchers.Unsubscribe(watcher);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Notification>> GetNotificationsAsync() => Task.FromResult<IReadOnlyList<Notification>>([.. State.Notifications]);

    public Task<IReadOnlyList<VehicleCommand>> GetCommandsAsync() => Task.FromResult<IReadOnlyList<VehicleCommand>>([.. State.Commands]);

    /// <summary>Times out open commands past their deadline; the reminder goes once no command is open.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == OutboxReminder)
        {
            if (State.Outbox.Count > 0)
            {
                // Resumes delivery in an activation that has none scheduled (after a crash); one backing off keeps its backoff.
                if (!outboxScheduled)
                {
                    ScheduleOutbox(TimeSpan.Zero);
                }
            }
            else if (await this.GetReminder(OutboxReminder) is { } idle)
            {
                // Unregistered only once a tick finds nothing to deliver: a twin that raises notifications often
                // keeps one registration instead of writing the reminder table twice per delivery.
                await this.UnregisterReminder(idle);
                outboxReminderRegistered = false;
            }

            return;
        }

        if (reminderName != CommandReminder)
        {
            return;
        }

        if (State.MergedInto is not null)
        {
            // Its commands and its offline dwell moved with it to the twin it was merged into.
            if (await this.GetReminder(CommandReminder) is { } stale)
            {
                await this.UnregisterReminder(stale);
            }

            return;
        }

        var now = clock.GetUtcNow();
        dispatch.Start(); // resumes a dispatch this silo never started (the twin's previous silo died)
        var before = NotificationRules.Capture(State);
        var expired = CommandLifecycle.Expire(State.Commands, now);
        var raised = NotificationRules.Derive(Id, before, State, notificationOptions.Value.For(State.Thresholds), now);
        if (expired || raised.Count > 0)
        {
            await SaveAsync(raised);
            await StartOutboxAsync();
        }

        var waiting = State.Commands.Any(CommandLifecycle.Awaited) || (State.OfflineSince is not null && !State.OfflineAnnounced);
        if (!waiting && await this.GetReminder(CommandReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
            timeoutReminderRegistered = false;
        }
    }

    /// <summary>Registers the timeout reminder once per activation (each registration is a write to the reminder table).</summary>
    private async Task EnsureTimeoutReminderAsync()
    {
        if (!timeoutReminderRegistered)
        {
            await this.RegisterOrUpdateReminder(CommandReminder, commandOptions.Value.CheckPeriod, commandOptions.Value.CheckPeriod);
            timeoutReminderRegistered = true;
        }
    }

    /// <summary>
    /// Delivers at once. The durable outbox reminder, which resumes delivery after a crash, is registered only once a
    /// delivery failed (the sink is down): the usual path, a notification taken by the sink within milliseconds, writes
    /// no reminder. A crash in those milliseconds leaves the notification in the journaled outbox until the twin's
    /// next activation (docs/RELIABILITY.md).
    /// </summary>
    private Task StartOutboxAsync()
    {
        if (State.Outbox.Count > 0 && !outboxScheduled)
        {
            ScheduleOutbox(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    private async Task EnsureOutboxReminderAsync()
    {
        if (!outboxReminderRegistered)
        {
            await this.RegisterOrUpdateReminder(OutboxReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            outboxReminderRegistered = true;
        }
    }

    private void ScheduleOutbox(TimeSpan dueTime)
    {
        ReportOutbox();
        if (State.Outbox.Count == 0)
        {
            ReleaseIdleTimer(ref outboxTimer, outboxScheduled);
            return;
        }

        outboxTimer ??= this.RegisterGrainTimer(DeliverOutboxAsync,
            new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = false });
        outboxTimer.Change(dueTime, Timeout.InfiniteTimeSpan);
        outboxScheduled = true;
    }

    /// <summary>Hands the outbox to the sink; on success removes what was taken, on failure retries with backoff.</summary>
    private async Task DeliverOutboxAsync(CancellationToken cancellationToken)
    {
        outboxScheduled = false;
        var batch = State.Outbox.Take(500).ToList();
        if (batch.Count == 0)
        {
            return;
        }

        using (var activity = FleetTwinsActivities.StartPublish(batch, Id))
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
                logger.LogWarning(e, "Delivering {Count} notifications of {TwinId} failed; retrying in {Backoff}", batch.Count, Id, outboxBackoff);
                ScheduleOutbox(outboxBackoff);
                try
                {
                    await EnsureOutboxReminderAsync();
                }
                catch (Exception reminderFailure)
                {
                    logger.LogDebug(reminderFailure, "The outbox reminder of {TwinId} could not be registered; the timer keeps retrying", Id);
                }
                outboxBackoff = TimeSpan.FromTicks(Math.Min(outboxBackoff.Ticks * 2, MaxOutboxBackoff.Ticks));
                return;
            }
        }

        outboxBackoff = TimeSpan.FromSeconds(1);
        var delivered = new OutboxDelivered([.. batch.Select(n => n.Id)]);
        State.Replay(Id, delivered, notificationOptions.Value);
        try
        {
            await persistence.AppendAsync(delivered, null, clock.GetUtcNow());
        }
        catch
        {
            Discard(); // the outbox as journaled is what the next activation delivers from
            throw;
        }

        ScheduleSnapshot();
        ScheduleOutbox(TimeSpan.Zero); // reports the outbox, and delivers the rest if any is left
    }

    /// <summary>The outbox gauges: its depth, and since when it has not been empty (as this activation saw it).</summary>
    private void ReportOutbox()
    {
        outboxSince = State.Outbox.Count == 0 ? null : outboxSince ?? clock.GetUtcNow();
        metrics.Outbox(Id, State.Outbox.Count, outboxSince ?? default);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Outbox(Id, 0, default); // counted again by whichever silo activates it next
        if (!discarded && persistence?.Unsnapshotted > 0)
        {
            try
            {
                await persistence.SnapshotAsync();
                await persistence.ReportCoveredAsync();
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Snapshot of {TwinId} at deactivation failed; the next activation replays its journal", Id);
            }
        }
    }

    /// <summary>
    /// A change that is not journaled (rare: commands, operators, reminders, identity moves): written as a snapshot now,
    /// with the notifications it <paramref name="raised"/>, which then go where a delivery's go (watchers, fleet, metrics).
    /// </summary>
    private async Task SaveAsync(IReadOnlyList<Notification>? raised = null)
    {
        var notificationsBefore = State.Notifications.Count > 0 ? State.Notifications[0].Id : null;
        if (raised is { Count: > 0 })
        {
            State.Record(raised, Activity.Current?.Id);
        }

        State.Touch(clock.GetUtcNow());
        try
        {
            await persistence.SnapshotAsync();
        }
        catch
        {
            Discard();
            throw;
        }

        Publish(notificationsBefore);
    }

    /// <summary>
    /// The in-memory state holds a change that was not persisted: the activation goes without writing it, and the next
    /// one starts from the snapshot and the journal.
    /// </summary>
    private void Discard()
    {
        discarded = true;
        DeactivateOnIdle();
    }

    private void ScheduleSnapshot()
    {
        if (persistence.Unsnapshotted == 0)
        {
            ReleaseIdleTimer(ref snapshotTimer, snapshotScheduled);
            return;
        }

        if (snapshotScheduled && !persistence.SnapshotDue)
        {
            return;
        }

        snapshotTimer ??= this.RegisterGrainTimer(SnapshotInBackgroundAsync,
            new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = false });
        snapshotTimer.Change(persistence.SnapshotDue ? TimeSpan.Zero : snapshotOptions.Value.SnapshotInterval, Timeout.InfiniteTimeSpan);
        snapshotScheduled = true;
    }

    /// <summary>
    /// A timer with nothing left to do is disposed rather than kept for the next burst: an active twin holds one only
    /// while it has something to write or deliver (a timer and its queue entry are ~0.4 KB of a twin's heap).
    /// </summary>
    private static void ReleaseIdleTimer(ref IGrainTimer? timer, bool scheduled)
    {
        if (!scheduled && timer is not null)
        {
            timer.Dispose();
            timer = null;
        }
    }

    /// <summary>The background snapshot; a failure only delays it (the journal holds every change meanwhile).</summary>
    private async Task SnapshotInBackgroundAsync(CancellationToken cancellationToken)
    {
        snapshotScheduled = false;
        if (discarded)
        {
            return;
        }

        try
        {
            await persistence.SnapshotAsync();
            await persistence.ReportCoveredAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Snapshot of {TwinId} failed; the journal holds its changes, retrying later", Id);
        }

        ScheduleSnapshot();
    }

    /// <summary>
    /// Tells the fleet (search projection, fleet-wide watch) and live watchers about the persisted change: the new
    /// state, then each new notification, oldest first.
    /// </summary>
    private void Publish(string? newestNotificationBefore)
    {
        var raised = State.Notifications.Count == 0 || State.Notifications[0].Id == newestNotificationBefore
            ? []
            : State.Notifications.TakeWhile(n => n.Id != newestNotificationBefore).Reverse().ToList();
        foreach (var notification in raised)
        {
            metrics.Raised(notification.Type);
        }

        fleet.Publish(new FleetChange(State.ToSummary(Id), raised, Removed: State.MergedInto is not null));
        if (watchers.Count == 0)
        {
            return;
        }

        var snapshot = State.ToSnapshot(Id);
        watchers.Notify(w => w.OnTwinChanged(snapshot));
        foreach (var notification in raised)
        {
            watchers.Notify(w => w.OnNotification(notification));
        }

        PublishCommands();
    }

    /// <summary>Tells live watchers about each command that moved or gained a history entry since they last heard.</summary>
    private void PublishCommands()
    {
        foreach (var command in State.Commands)
        {
            if (commandsWatched.GetValueOrDefault(command.Id) != command.History.Count)
            {
                commandsWatched[command.Id] = command.History.Count;
                watchers.Notify(w => w.OnCommandChanged(command));
            }
        }

        if (commandsWatched.Count > State.Commands.Count)
        {
            var kept = State.Commands.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var pruned in commandsWatched.Keys.Where(id => !kept.Contains(id)).ToList())
            {
                commandsWatched.Remove(pruned);
            }
        }
    }
}
