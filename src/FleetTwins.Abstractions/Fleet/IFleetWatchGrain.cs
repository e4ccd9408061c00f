using FleetTwins.Abstractions.Notifications;
using Orleans.Concurrency;

namespace FleetTwins.Abstractions.Fleet;

/// <summary>
/// One twin's change as the fleet sees it: its new summary and the notifications the change raised, or its removal
/// (<see cref="Removed"/>: the twin was merged into another and no longer stands on its own).
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.FleetChange")]
public sealed record FleetChange(
    [property: Id(0)] VehicleSummary Vehicle,
    [property: Id(1)] IReadOnlyList<Notification> Notifications,
    [property: Id(2)] bool Removed = false);

/// <summary>A live watcher of the whole fleet (an SSE or gRPC stream on some silo); calls are one-way.</summary>
[Alias("ft.IFleetWatcher")]
public interface IFleetWatcher : IGrainObserver
{
    /// <summary>The changes in the order they were made on one silo; <paramref name="dropped"/> went before them unsent.</summary>
    [OneWay]
    [Alias("OnChanges")]
    Task OnChanges(IReadOnlyList<FleetChange> changes, int dropped);
}

/// <summary>
/// The fleet-wide watch: every silo's feed hands it the changes of its twins in batches, and it passes them on to
/// every watcher, wherever they are connected. Key <see cref="Key"/>.
/// </summary>
[Alias("ft.IFleetWatchGrain")]
public interface IFleetWatchGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>
    /// Subscribes (or renews) a watcher; one not renewed within a minute is dropped. Answers the grain's time, to
    /// ask <see cref="IsSeenByAllFeedsAsync"/> with.
    /// </summary>
    [Alias("Watch")]
    Task<DateTime> WatchAsync(IFleetWatcher watcher);

    [Alias("Unwatch")]
    Task UnwatchAsync(IFleetWatcher watcher);

    /// <summary>How many watchers there are; feeds send nothing while there are none. Each feed names itself.</summary>
    [Alias("GetWatcherCount")]
    Task<int> GetWatcherCountAsync(Guid feed);

    /// <summary>True once every live feed has asked for the watcher count after <paramref name="since"/>: from then on
    /// every change reaches the watchers.</summary>
    [Alias("IsSeenByAllFeeds")]
    Task<bool> IsSeenByAllFeedsAsync(DateTime since);

    [OneWay]
    [Alias("Publish")]
    Task PublishAsync(IReadOnlyList<FleetChange> changes, int dropped);
}
