using FleetTwins.Abstractions;
using System.Diagnostics;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Grains.Delivery;
using FleetTwins.Grains.Notifications;
using FleetTwins.Grains.Telemetry;
using FleetTwins.Abstractions.Vehicles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace FleetTwins.Grains.Vehicles;

/// <summary>The grain-to-grain half of a merge: hands a twin's whole state over to the twin it merges into.</summary>
[Alias("ft.grains.IVehicleTwinHandOver")]
public interface IVehicleTwinHandOver : IGrainWithStringKey
{
    /// <summary>Marks this twin as merged into <paramref name="targetTwinId"/> (persisted) and answers its state and live watchers.</summary>
    [Alias("HandOver")]
    Task<TwinHandOver> HandOverAsync(string targetTwinId);
}

/// <summary>What a merged twin hands over: its whole state, and whoever was watching it live.</summary>
[GenerateSerializer, Immutable, Alias("ft.grains.TwinHandOver")]
public sealed record TwinHandOver([property: Id(0)] VehicleTwinState State, [property: Id(1)] IReadOnlyList<IVehicleWatcher> Watchers);

/// <summary>The digital twin of one vehicle: keeps its live state and persists every change before answering.</summary>
[GrainType("vehicle")]
public sealed class VehicleTwinGrain(
    [PersistentState("vehicle", StorageNames.Twins)] IPersistentState<VehicleTwinState> twin,
    TimeProvider clock,
    IOptions<CommandOptions> commandOptions,
    IOptions<NotificationOptions> notificationOptions,
    INotificationSink sink,
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
    private bool outboxScheduled;
    private bool outboxReminderRegistered;
    private TimeSpan outboxBackoff = TimeSpan.FromSeconds(1);
    private DateTimeOffset? outboxSince;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ScheduleOutbox(TimeSpan.Zero);

        // Re-project on activation: repairs a projection row a crash kept from being written (same version: no-op).
        if (State.Exists && State.MergedInto is null)
        {
            fleet.Publish(new FleetChange(State.ToSummary(Id), []));
        }

        return Task.CompletedTask;
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

    public async Task<VehicleTwin> RegisterAsync(VehicleRegistration registration)
    {

        if (registration.Vin is { } vin)
        {
            State.Vin = VehicleIds.NormalizeVin(vin);
            State.AddAlias($"vin:{State.Vin}");
        }

        await SaveAsync();
        return State.ToSnapshot(Id);
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

    public async Task<ApplyOutcome> ApplyAsync(TwinEventBatch<VehicleEvent> batch, VehicleIdentity identity)
    {

        var notificationsBefore = State.Notifications.Count > 0 ? State.Notifications[0].Id : null;
        var outcome = await twin.ApplyOnceAsync(this, State.Deliveries, batch.DeliveryId, () =>
        {
            var before = NotificationRules.Capture(State);
            State.Identify(identity);
            foreach (var e in batch.Events)
            {
                State.Apply(e, batch.Source);
            }

            CommandLifecycle.ConfirmFromState(State.Commands, State);
            CommandLifecycle.Expire(State.Commands, clock.GetUtcNow());
            State.Record(NotificationRules.Derive(Id, before, State, notificationOptions.Value.For(State.Thresholds), clock.GetUtcNow()),
                Activity.Current?.Id);
            State.Touch(clock.GetUtcNow());
        });
        if (outcome == ApplyOutcome.Applied)
        {
            logger.LogDebug("Applied {EventCount} events of {Provider} delivery {EventId} to {TwinId} (version {Version})",
                batch.Events.Count, batch.Source, batch.DeliveryId, Id, State.Version);
            Publish(notificationsBefore);
            if (State.OfflineSince is not null && !State.OfflineAnnounced)
            {
                await EnsureTimeoutReminderAsync();
            }
        }

        await StartOutboxAsync();
        return outcome;
    }

    public async Task<VehicleCommand?> SendCommandAsync(CommandRequest request)
    {

        if (!State.Exists)
        {
            return null;
        }

        var id = $"cmd_{Guid.NewGuid():N}";
        var command = CommandLifecycle.Send(State.Commands, request, id, clock.GetUtcNow(), commandOptions.Value.Timeout);
        if (command.Id == id)
        {
            await SaveAsync();
            await EnsureTimeoutReminderAsync();
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
        var before = NotificationRules.Capture(State);
        var expired = CommandLifecycle.Expire(State.Commands, now);
        var raised = NotificationRules.Derive(Id, before, State, notificationOptions.Value.For(State.Thresholds), now);
        if (expired || raised.Count > 0)
        {
            State.Record(raised, Activity.Current?.Id);
            await SaveAsync();
            await StartOutboxAsync();
        }

        var waiting = State.Commands.Any(c => !c.IsFinal) || (State.OfflineSince is not null && !State.OfflineAnnounced);
        if (!waiting && await this.GetReminder(CommandReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<IReadOnlyList<string>> MergeFromAsync(string otherTwinId)
    {
        if (otherTwinId == Id)
        {
            return [];
        }


        var other = await GrainFactory.GetGrain<IVehicleTwinHandOver>(otherTwinId).HandOverAsync(Id);
        foreach (var watcher in other.Watchers)
        {
            watchers.Subscribe(watcher, watcher);
        }

        if (!State.Absorbed.Contains(otherTwinId))
        {
            State.Absorb(other.State);
            State.Absorbed.Add(otherTwinId);
            await SaveAsync();
        }

        return other.State.Aliases;
    }

    public async Task<TwinHandOver> HandOverAsync(string targetTwinId)
    {
        if (State.MergedInto != targetTwinId)
        {
            State.MergedInto = targetTwinId;
            await SaveAsync();
        }

        // Its watchers follow the twin: they renew here, and are forwarded there, from now on.
        var handedOver = new TwinHandOver(State, [.. watchers]);
        watchers.Clear();
        return handedOver;
    }

    private Task EnsureTimeoutReminderAsync() =>
        this.RegisterOrUpdateReminder(CommandReminder, commandOptions.Value.CheckPeriod, commandOptions.Value.CheckPeriod);

    /// <summary>Delivers soon; the durable reminder makes sure delivery resumes even if this silo dies first.</summary>
    private async Task StartOutboxAsync()
    {
        if (State.Outbox.Count == 0 || outboxScheduled)
        {
            return;
        }

        if (!outboxReminderRegistered)
        {
            await this.RegisterOrUpdateReminder(OutboxReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            outboxReminderRegistered = true;
        }

        ScheduleOutbox(TimeSpan.Zero);
    }

    private void ScheduleOutbox(TimeSpan dueTime)
    {
        ReportOutbox();
        if (State.Outbox.Count == 0)
        {
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
                outboxBackoff = TimeSpan.FromTicks(Math.Min(outboxBackoff.Ticks * 2, MaxOutboxBackoff.Ticks));
                return;
            }
        }

        outboxBackoff = TimeSpan.FromSeconds(1);
        var delivered = batch.Select(n => n.Id).ToHashSet();
        State.Outbox.RemoveAll(n => delivered.Contains(n.Id));
        await twin.WriteStateOrDeactivateAsync(this);
        ScheduleOutbox(TimeSpan.Zero); // reports the outbox, and delivers the rest if any is left
    }

    /// <summary>The outbox gauges: its depth, and since when it has not been empty (as this activation saw it).</summary>
    private void ReportOutbox()
    {
        outboxSince = State.Outbox.Count == 0 ? null : outboxSince ?? clock.GetUtcNow();
        metrics.Outbox(Id, State.Outbox.Count, outboxSince ?? default);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Outbox(Id, 0, default); // counted again by whichever silo activates it next
        return Task.CompletedTask;
    }

    private async Task SaveAsync()
    {
        var notificationsBefore = State.Notifications.Count > 0 ? State.Notifications[0].Id : null;
        State.Touch(clock.GetUtcNow());
        await twin.WriteStateOrDeactivateAsync(this);
        Publish(notificationsBefore);
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
    }
}
