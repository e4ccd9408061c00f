using FleetTwins.Grains.Options;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// When a vehicle twin writes its background snapshot: at once when <see cref="SnapshotOptions.SnapshotEvery"/> changes
/// piled up in the journal, else <see cref="SnapshotOptions.SnapshotInterval"/> after the first of them, and as it deactivates.
/// </summary>
internal sealed class SnapshotSchedule(
    IGrainBase grain, string twinId, TwinPersistence persistence, SnapshotOptions options, Func<bool> discarded, ILogger logger)
{
    private IGrainTimer? timer;
    private bool scheduled;

    /// <summary>Arms the snapshot for what the journal holds beyond the stored snapshot (after a change was journaled).</summary>
    public void Schedule()
    {
        if (persistence.Unsnapshotted == 0)
        {
            // Disposed rather than kept for the next burst: a twin holds a timer (~0.4 KB with its queue entry) only while it has work.
            if (!scheduled && timer is not null)
            {
                timer.Dispose();
                timer = null;
            }

            return;
        }

        if (scheduled && !persistence.SnapshotDue)
        {
            return;
        }

        timer ??= grain.RegisterGrainTimer(SnapshotAsync,
            new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = false });
        timer.Change(persistence.SnapshotDue ? TimeSpan.Zero : options.SnapshotInterval, Timeout.InfiniteTimeSpan);
        scheduled = true;
    }

    /// <summary>The last snapshot, as the twin deactivates; a failure leaves the journal to the next activation to replay.</summary>
    public async Task FlushAsync()
    {
        if (discarded() || persistence.Unsnapshotted == 0)
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
            logger.LogDebug(e, "Snapshot of {TwinId} at deactivation failed; the next activation replays its journal", twinId);
        }
    }

    /// <summary>The background snapshot; a failure only delays it (the journal holds every change meanwhile).</summary>
    private async Task SnapshotAsync(CancellationToken cancellationToken)
    {
        scheduled = false;
        if (discarded())
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
            logger.LogWarning(e, "Snapshot of {TwinId} failed; the journal holds its changes, retrying later", twinId);
        }

        Schedule();
    }
}
