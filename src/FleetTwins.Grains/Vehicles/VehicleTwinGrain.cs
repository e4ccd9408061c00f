using System.Diagnostics;
using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Delivery;
using FleetTwins.Grains.Geofences;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Rules;
using FleetTwins.Grains.Telemetry;
using FleetTwins.Search.Alerts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// The digital twin of one vehicle: keeps its live state and persists every change before answering — a delivery, a
/// command and what becomes of it as a journal record, rarer changes (registrations, identity moves, operators' settings)
/// as a snapshot (<see cref="TwinPersistence"/>).
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
    RuleCatalog ruleCatalog,
    GeofenceCatalog geofenceCatalog,
    TwinMetrics metrics,
    ILogger<VehicleTwinGrain> logger) : Grain, IVehicleTwinGrain, IVehicleTwinHandOver, IRemindable, IIncomingGrainCallFilter
{
    private readonly ChangePublisher publisher = new(fleet, metrics, logger);
    private readonly TwinTurns turns = new();
    private TwinPersistence persistence = null!;
    private SnapshotSchedule snapshots = null!;
    private NotificationOutbox outbox = null!;
    private CommandDispatchOutbox dispatch = null!;
    private TimeoutReminder timeouts = null!;
    private TwinRules rules = null!;
    private TwinGeofences geofences = null!;
    private bool discarded;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        persistence = new TwinPersistence(Id, twin, journal, serializer, snapshotOptions.Value,
            ServiceProvider.GetService<ITwinSnapshotArchive>());
        snapshots = new SnapshotSchedule(this, turns, Id, persistence, snapshotOptions.Value, () => discarded, logger);
        var alerts = ServiceProvider.GetService<IAlertIndex>();
        outbox = new NotificationOutbox(this, turns, Id, () => State, alerts is null ? sink : new AlertInboxSink(alerts, sink), clock, metrics, logger,
            JournalDeliveredAsync);
        rules = new TwinRules(Id, () => State, ruleCatalog);
        geofences = new TwinGeofences(() => State, geofenceCatalog);
        if (await persistence.RecoverAsync(notificationOptions.Value) > 0)
        {
            snapshots.Schedule();
        }

        // Twins stored before a twin kept one VIN may hold a second: it is let go here, so that the next delivery of
        // that VIN makes its own twin instead of being refused for ever.
        var raised = new List<Notification>();
        if (State.MergedInto is null && await Identity.ReleaseExtraVinsAsync(raised))
        {
            await SaveAsync(raised);
        }

        outbox.Start();
        dispatch = new CommandDispatchOutbox(this, turns, Id, () => State, dispatcher, dispatchOptions.Value, clock, metrics, logger, JournalAsync);
        dispatch.Start();
        timeouts = new TimeoutReminder(this, () => State, commandOptions.Value.CheckPeriod, clock, dispatch, outbox, CheckTimeoutsAsync,
            () => geofences.Waiting);
        publisher.Heard(State.Commands);

        if (State.Exists && State.MergedInto is null)
        {
            publisher.Reproject(Id, State);
        }
    }

    private string Id => this.GetPrimaryKeyString();

    private VehicleTwinState State => twin.State;

    /// <summary>
    /// A merged twin forwards every call of <see cref="IVehicleTwinGrain"/> to the twin it was merged into, whoever
    /// calls and whatever the method: one check here, none in the methods. The twin's calls and reminder ticks count in
    /// <see cref="turns"/>; a handover request interleaves and counts itself only when it acts (<see cref="YieldAliasAsync"/>),
    /// and timer ticks count in their <see cref="IdleGrainTimer"/> (one that interleaves does not).
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod.DeclaringType != typeof(IVehicleTwinGrain) && context.InterfaceMethod.DeclaringType != typeof(IRemindable))
        {
            await context.Invoke();
            return;
        }

        await turns.RunAsync(async () =>
        {
            if (State.MergedInto is { } target && context.InterfaceMethod.DeclaringType == typeof(IVehicleTwinGrain))
            {
                context.Result = await GrainCallForwarding.ForwardAsync(context, GrainFactory.GetGrain<IVehicleTwinGrain>(target));
                return;
            }

            await context.Invoke();
        });
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
        outbox.Start();
        return (VehicleTwin?)State.ToSnapshot(Id);
    });

    /// <summary>
    /// Interleaves with whatever the twin runs, and acts only while nothing else does (then no call or background run
    /// starts before it ends); otherwise it answers at once that the twin is busy, or itself asking a twin. So a
    /// twin asking for an alias never waits on this one's turn, which may itself be waiting on the asker (crossing claims).
    /// </summary>
    public Task<AliasYield> YieldAliasAsync(string alias, string toTwinId, string? toVin, bool releaseOnConflict, string source, string? deliveryId) =>
        !turns.Idle
            ? Task.FromResult(new AliasYield(turns.Asking ? AliasYieldKind.Asking : AliasYieldKind.Busy, null, State.Vin))
            : turns.RunAsync(() => YieldAsync(alias, toTwinId, toVin, releaseOnConflict, source, deliveryId));

    private Task<AliasYield> YieldAsync(string alias, string toTwinId, string? toVin, bool releaseOnConflict, string source, string? deliveryId) =>
        ChangingIdentityAsync(async raised =>
        {
            var (kind, changed) = Identity.Yield(alias, toTwinId, toVin, releaseOnConflict, source, deliveryId, raised);
            if (changed)
            {
                await SaveAsync(raised);
                outbox.Start();
            }

            if (kind != AliasYieldKind.Merged)
            {
                return new AliasYield(kind, null, State.Vin, kind == AliasYieldKind.Released ? State.Deliveries : null);
            }

            // Its watchers follow the twin: they renew here, and are forwarded there, from now on.
            return new AliasYield(kind, new TwinHandOver(State, publisher.HandOver(), Id), State.Vin);
        });

    /// <summary>The identity rules, working on this twin's state; absorbing a twin persists before its aliases are repointed.</summary>
    private TwinIdentity Identity => new(Id, State, GrainFactory, turns, clock, async handOver =>
    {
        foreach (var watcher in handOver.Watchers)
        {
            publisher.Subscribe(watcher);
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
        var (before, location) = (rules.Before(), State.Location);
        State.Apply(Id, change, notificationOptions.Value, identityChanges);
        // The geofences, then the rules, decide on the state the delivery made, and go into the same record.
        if (geofences.Decide(location, change.Now) is { } fenced)
        {
            State.Apply(Id, fenced, change.TraceParent);
            change = change with { Geofences = fenced };
        }

        if (await rules.DecideAsync(batch.Events.Count > 0 ? batch.Events.Max(e => e.At) : change.Now, before) is { } decision)
        {
            State.Apply(decision, change.TraceParent);
            change = change with { Rules = decision };
        }

        await persistence.AppendAsync(change, batch.DeliveryId, change.Now, snapshotFirst: identityMoved);
        logger.LogDebug("Applied {EventCount} events of {Provider} delivery {EventId} to {TwinId} (version {Version})",
            batch.Events.Count, batch.Source, batch.DeliveryId, Id, State.Version);
        publisher.Publish(Id, State, notificationsBefore);
        snapshots.Schedule();
        if ((State.OfflineSince is not null && !State.OfflineAnnounced) || State.RulesWaiting || geofences.Waiting)
        {
            await timeouts.EnsureAsync();
        }

        outbox.Start();
        return ApplyOutcome.Applied;
    }

    public async Task<VehicleCommand?> SendCommandAsync(CommandRequest request)
    {
        if (!State.Exists)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var options = commandOptions.Value;
        if (CommandLifecycle.Existing(State.Commands, State.RememberedCommands, request, now, options) is { } existing)
        {
            return existing;
        }

        var provider = request.Provider ?? CommandDispatchOutbox.ServingProvider(State);
        var (command, dispatches) = dispatch.Plan(CommandLifecycle.Create(request, $"cmd_{Guid.NewGuid():N}", now, options, provider));
        // The reminder first: a command stored without it would stay PENDING for ever; a reminder without a command stops itself.
        await this.RunOrDeactivateAsync(timeouts.EnsureAsync);
        // A journal record the size of the command, not a snapshot of the whole twin: what a key can make the host store
        // grows with what it sends.
        await JournalAsync(new CommandAccepted(command, dispatches, now - options.IdempotencyWindow));
        dispatch.Start();
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

    public async Task<VehicleTwin?> SetMasterDataAsync(MasterDataPatch patch, string? by)
    {
        if (!State.Exists)
        {
            return null;
        }

        if (patch.Changes(State.OperatorMasterData))
        {
            // A record like a delivery's: replayed on activation and read by the history, not a snapshot of the whole twin.
            var (before, now) = (rules.Before(), clock.GetUtcNow());
            await JournalAsync(new MasterDataSet(patch, now, by));

            // Name, plate, group and tags are fields a rule's condition or scope can read: the rules decide again.
            if (await rules.DecideAsync(now, before) is { } decision)
            {
                await JournalRulesAsync(decision, Activity.Current?.Id);
            }
        }

        return State.ToSnapshot(Id);
    }

    public Task WatchAsync(IVehicleWatcher watcher)
    {
        publisher.Subscribe(watcher);
        return Task.CompletedTask;
    }

    public Task UnwatchAsync(IVehicleWatcher watcher)
    {
        publisher.Unsubscribe(watcher);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Notification>> GetNotificationsAsync() => Task.FromResult<IReadOnlyList<Notification>>([.. State.Notifications]);

    public Task<IReadOnlyList<VehicleCommand>> GetCommandsAsync() => Task.FromResult<IReadOnlyList<VehicleCommand>>([.. State.Commands]);

    public async Task EvaluateRulesAsync(long rulesVersion)
    {
        if (State.Exists && await rules.DecideAsync(clock.GetUtcNow(), rulesVersion: rulesVersion) is { } decision)
        {
            await JournalRulesAsync(decision, Activity.Current?.Id);
        }
    }

    public Task<IReadOnlyList<Alert>> GetRuleAlertsAsync() => Task.FromResult(rules.Alerts());

    public async Task<Alert?> ActOnAlertAsync(string alertId, bool clear, string by, string? reason)
    {
        if (rules.Act(alertId, clear, by, reason, clock.GetUtcNow()) is not var (decision, alert))
        {
            return null;
        }

        if (decision.Raised.Count > 0)
        {
            await JournalRulesAsync(decision, Activity.Current?.Id);
        }

        return alert;
    }

    /// <summary>Journals what the rules decided outside a delivery, then delivers its notifications and keeps the timer while a rule waits.</summary>
    private async Task JournalRulesAsync(RuleDecision decision, string? traceParent)
    {
        await JournalAsync(new RulesDecided(decision, clock.GetUtcNow(), traceParent));
        if (State.RulesWaiting)
        {
            await timeouts.EnsureAsync();
        }

        outbox.Start();
    }

    /// <summary>Each reminder goes to the component it resumes: the notification outbox's, or the command and offline timeouts'.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => reminderName switch
    {
        NotificationOutbox.ReminderName => outbox.ReceiveReminderAsync(),
        TimeoutReminder.ReminderName => timeouts.ReceiveReminderAsync(),
        _ => Task.CompletedTask,
    };

    /// <summary>Journals what the sink took from the outbox; a failure deactivates the twin, whose next activation delivers from the outbox as journaled.</summary>
    private async Task JournalDeliveredAsync(OutboxDelivered delivered)
    {
        State.Replay(Id, delivered, notificationOptions.Value);
        await AppendAsync(delivered);
    }

    /// <summary>
    /// A change of the twin's commands: made by the same <see cref="VehicleTwinState.Replay"/> that replays its record,
    /// journaled, then published; the snapshot follows on its schedule.
    /// </summary>
    private async Task JournalAsync(TwinChange change)
    {
        var notificationsBefore = State.Notifications.Count > 0 ? State.Notifications[0].Id : null;
        State.Replay(Id, change, notificationOptions.Value);
        await AppendAsync(change);
        publisher.Publish(Id, State, notificationsBefore);
    }

    /// <summary>
    /// A tick of the timeout reminder, journaled when it changed anything, then what the rules decide at its time (a
    /// condition that has held for its <c>for</c> while the vehicle was silent); answers whether anything changed.
    /// </summary>
    private async Task<bool> CheckTimeoutsAsync(TimeoutsChecked change)
    {
        var notificationsBefore = State.Notifications.Count > 0 ? State.Notifications[0].Id : null;
        var changed = State.Apply(Id, change, notificationOptions.Value);
        if (changed)
        {
            await AppendAsync(change);
            publisher.Publish(Id, State, notificationsBefore);
        }

        if (geofences.Tick(change.Now) is { } fenced)
        {
            await JournalAsync(new GeofencesDecided(fenced, change.Now, change.TraceParent));
            changed = true;
        }

        if (State.Exists && await rules.DecideAsync(change.Now) is { } decision)
        {
            await JournalAsync(new RulesDecided(decision, change.Now, change.TraceParent));
            changed = true;
        }

        return changed;
    }

    /// <summary>Appends a change the state already holds; a failure deactivates the twin, whose next activation replays the journal as it is.</summary>
    private async Task AppendAsync(TwinChange change)
    {
        try
        {
            await persistence.AppendAsync(change, null, clock.GetUtcNow());
        }
        catch
        {
            Discard();
            throw;
        }

        snapshots.Schedule();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        outbox?.Unreport();
        if (snapshots is not null)
        {
            await snapshots.FlushAsync();
        }
    }

    /// <summary>
    /// A change that is not journaled (rare: operators' settings, identity moves): written as a snapshot now,
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

        publisher.Publish(Id, State, notificationsBefore);
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
}
