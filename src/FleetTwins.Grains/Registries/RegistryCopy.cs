using Microsoft.Extensions.Logging;

namespace FleetTwins.Grains.Registries;

/// <summary>
/// A silo's copy of a versioned registry grain (the rules, the geofences), built once for all its twins: they read
/// <see cref="Current"/> or <see cref="GetAsync"/> without a grain call. Once the silo is active the copy asks the
/// registry for its version every <see cref="PollInterval"/> and reloads when it changed, so a change reaches every
/// silo's twins within about a second whether the silo is busy or idle; the silo that makes a change refreshes at once.
/// </summary>
public abstract class RegistryCopy<T>(T empty, ILogger logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
    where T : class
{
    /// <summary>How often each silo asks the registry whether anything changed: a change reaches every silo within it.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim refreshing = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private volatile T current = empty;
    private volatile bool loaded;
    private Task polling = Task.CompletedTask;

    /// <summary>The copy as last loaded; the empty copy until the first load.</summary>
    public T Current => current;

    /// <summary>What the copy holds, in the log's words ("rules", "geofences").</summary>
    protected abstract string What { get; }

    protected abstract long VersionOf(T copy);

    protected abstract Task<long> ReadVersionAsync();

    /// <summary>Reads the registry whole and builds the copy (from <paramref name="previous"/> where that saves work).</summary>
    protected abstract Task<T> LoadAsync(T previous);

    /// <summary>
    /// The copy at <paramref name="version"/> or later, loaded at least once (a twin must not take "not loaded yet" for
    /// "none"): waits for the registry only then, and otherwise answers at once. Once a copy is loaded, a registry that
    /// cannot answer leaves the caller with it (logged), rather than failing the twin's delivery.
    /// </summary>
    public ValueTask<T> GetAsync(long version = long.MinValue, CancellationToken cancellationToken = default) =>
        Holds(version) ? new(current) : new(CatchUpAsync(version, cancellationToken));

    /// <summary>Asks the registry for its version and reloads when it differs from the copy's; one refresh at a time.</summary>
    public Task<T> RefreshAsync(CancellationToken cancellationToken = default) => RefreshAsync(long.MaxValue, cancellationToken);

    private bool Holds(long version) => loaded && VersionOf(current) >= version;

    private async Task<T> CatchUpAsync(long version, CancellationToken cancellationToken)
    {
        var wasLoaded = loaded;
        try
        {
            return await RefreshAsync(version, cancellationToken);
        }
        catch (Exception e) when (wasLoaded && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "The silo's {What} could not be brought to version {Wanted}; keeping version {Version}", What, version, VersionOf(current));
            return current;
        }
    }

    /// <summary>Refreshes unless the copy already holds <paramref name="version"/> once it is this caller's turn (callers queued behind one refresh share it).</summary>
    private async Task<T> RefreshAsync(long version, CancellationToken cancellationToken)
    {
        await refreshing.WaitAsync(cancellationToken);
        try
        {
            if (version != long.MaxValue && Holds(version))
            {
                return current;
            }

            if (!loaded || await ReadVersionAsync().WaitAsync(cancellationToken) != VersionOf(current))
            {
                current = await LoadAsync(current).WaitAsync(cancellationToken);
                loaded = true;
            }

            return current;
        }
        finally
        {
            refreshing.Release();
        }
    }

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(GetType().Name, ServiceLifecycleStage.Active,
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
        GC.SuppressFinalize(this);
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
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return; // the silo is stopping
            }
            catch (Exception e)
            {
                // Twins keep deciding with the copy loaded last; the next tick tries again, and says so once.
                if (!failing)
                {
                    logger.LogWarning(e, "The silo's {What} could not be read from their registry; keeping version {Version}", What, VersionOf(current));
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
