namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// One grain timer per activation for a twin's background work, re-armed for each run (a timer per run would pile up
/// until deactivation) and released while the work is done: a twin holds a timer only while it has work. Its runs do
/// not interleave with the twin's calls and count in its <see cref="TwinTurns"/>; with <c>interleave</c> they do,
/// are not counted, and must not touch the twin's state (an outbound call that hands its result to a run that does).
/// </summary>
internal sealed class IdleGrainTimer(IGrainBase grain, TwinTurns turns, Func<CancellationToken, Task> run, bool interleave = false)
{
    private IGrainTimer? timer;

    /// <summary>A run is armed and has not started yet.</summary>
    public bool Armed { get; private set; }

    /// <summary>Runs the work once, after <paramref name="due"/>; re-arming replaces the run already armed.</summary>
    public void Arm(TimeSpan due)
    {
        timer ??= grain.RegisterGrainTimer(RunAsync,
            new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = interleave });
        timer.Change(due, Timeout.InfiniteTimeSpan);
        Armed = true;
    }

    /// <summary>Lets the timer go when no run is armed (the work is done).</summary>
    public void ReleaseIfIdle()
    {
        // Disposed rather than kept for the next burst: a twin holds a timer (~0.4 KB with its queue entry) only while it has work.
        if (!Armed && timer is not null)
        {
            timer.Dispose();
            timer = null;
        }
    }

    private Task RunAsync(CancellationToken cancellationToken)
    {
        Armed = false;
        return interleave ? run(cancellationToken) : turns.RunAsync(() => run(cancellationToken));
    }
}
