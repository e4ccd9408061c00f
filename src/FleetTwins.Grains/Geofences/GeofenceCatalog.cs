using FleetTwins.Abstractions.Geofences;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Grains.Geofences;

/// <summary>
/// The silo's copy of the fleet's geofences (a singleton): <see cref="Current"/> is the index twins decide with, never
/// a grain call. Once the silo is active it asks the registry for its version every <see cref="PollInterval"/> and
/// reloads when it changed; the silo that makes a change calls <see cref="RefreshAsync"/> at once.
/// </summary>
public sealed class GeofenceCatalog(IGrainFactory grains, ILogger<GeofenceCatalog> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>How often each silo asks the registry whether anything changed: a change reaches every silo within it.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim refreshing = new(1, 1);
    private readonly TaskCompletionSource loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stopping = new();
    private volatile GeofenceIndex current = GeofenceIndex.Empty;
    private Task polling = Task.CompletedTask;

    /// <summary>The geofences as last loaded; <see cref="GeofenceIndex.Empty"/> (version -1) until the first load.</summary>
    public GeofenceIndex Current => current;

    /// <summary>The index once it has been loaded at least once (a twin must not take "not loaded" for "no geofences").</summary>
    public async Task<GeofenceIndex> GetAsync(CancellationToken cancellationToken = default)
    {
        if (!loaded.Task.IsCompleted)
        {
            await RefreshAsync(cancellationToken);
        }

        return current;
    }

    /// <summary>Asks the registry for its version and reloads the geofences when it differs from the loaded one.</summary>
    public async Task<GeofenceIndex> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await refreshing.WaitAsync(cancellationToken);
        try
        {
            var registry = GeofenceRegistry.Get(grains);
            if (await registry.GetVersionAsync().WaitAsync(cancellationToken) != current.Version)
            {
                var set = await registry.GetAllAsync().WaitAsync(cancellationToken);
                current = GeofenceIndex.Build(set, current);
                logger.LogInformation("Geofence catalog loaded {Count} geofences at registry version {Version}", set.Geofences.Count, set.Version);
            }

            loaded.TrySetResult();
            return current;
        }
        finally
        {
            refreshing.Release();
        }
    }

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe<GeofenceCatalog>(ServiceLifecycleStage.Active,
        _ =>
        {
            polling = PollAsync(stopping.Token);
            return Task.CompletedTask;
        },
        async _ =>
        {
            await stopping.CancelAsync();
            await polling;
        });

    public void Dispose()
    {
        stopping.Dispose();
        refreshing.Dispose();
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        var failing = false;
        do
        {
            try
            {
                await RefreshAsync(cancellationToken);
                failing = false;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Twins keep deciding with the geofences loaded last; the next tick tries again, and says so once.
                if (!failing)
                {
                    logger.LogWarning(e, "Geofence catalog could not ask the registry; keeping the geofences loaded last");
                }

                failing = true;
            }
        }
        while (await NextTickAsync(timer, cancellationToken));
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
