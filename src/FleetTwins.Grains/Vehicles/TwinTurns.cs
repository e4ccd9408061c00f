namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// What runs in a vehicle twin's activation now: its calls and the background runs that touch its state, and whether
/// one of them is waiting for another twin to yield an alias. A handover request interleaves with all of them
/// (<see cref="IVehicleTwinHandOver.YieldAliasAsync"/>) and acts only while nothing else runs: a twin asked for an alias
/// answers at once, whatever it is doing, rather than queueing behind a turn that may be waiting on the asker.
/// </summary>
internal sealed class TwinTurns
{
    private int running;
    private int asking;

    /// <summary>Nothing else runs (the caller's own turn aside, when it is counted).</summary>
    public bool Idle => running == 0;

    /// <summary>A turn is waiting for another twin to yield an alias (which may be asking this one: crossing claims).</summary>
    public bool Asking => asking > 0;

    /// <summary>Runs <paramref name="turn"/>, counted as running.</summary>
    public Task RunAsync(Func<Task> turn) => RunAsync(async () =>
    {
        await turn();
        return true;
    });

    /// <summary>Runs <paramref name="turn"/>, counted as running, and answers what it answers.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> turn)
    {
        running++;
        try
        {
            return await turn();
        }
        finally
        {
            running--;
        }
    }

    /// <summary>Asks another twin for an alias (<paramref name="ask"/>), counted as <see cref="Asking"/>.</summary>
    public async Task<T> AskAsync<T>(Func<Task<T>> ask)
    {
        asking++;
        try
        {
            return await ask();
        }
        finally
        {
            asking--;
        }
    }
}
