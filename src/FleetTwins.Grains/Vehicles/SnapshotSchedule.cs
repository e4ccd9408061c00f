using FleetTwins.Grains.Options;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// When a vehicle twin writes its background snapshot: at once when <see cref="SnapshotOptions.SnapshotEvery"/> changes
/// piled up in the journal, else <see cref="SnapshotOptions.SnapshotInterval"/> after the first of them, and as it deactivates.
/// </summary>
internal sealed class SnapshotSchedule(
    IGrainBase grain, TwinTurns turns, string twinId, TwinPersistence persistence, SnapshotOptions options, Func<bool> discarded, ILogger logger)
{
    private IdleGrainTimer? timer;

    private IdleGrainTimer Timer => timer ??= new(grain, turns, SnapshotAsync);

    /// <summary>Arms the snapshot for what the journal holds beyond the stored snapshot (after a change was journaled).</summary>
    public void Schedule()
    {
        if (persistence.Unsnapshotted == 0)
        {
            Timer.ReleaseIfIdle();
            return;
        }

        if (Timer.Armed && !persistence.SnapshotDue)
        {
            return;
        }

        Timer.Arm(persistence.SnapshotDue ? TimeSpan.Zero : options.SnapshotInterval);
    }

    /// <summary>The last snapshot, as the twin deactivates; a failure leaves the journal to the next activation to replay.</summary>
    public async Task FlushAsync()
    {
        if (discarded() || persistence.Unsnapshotted == 0)
        {
            return;
        }

        await TrySnapshotAsync(e => logger.LogDebug(e, "Snapshot of {TwinId} at deactivation failed; the next activation replays its journal", twinId));
    }

    /// <summary>The background snapshot; a failure only delays it (the journal holds every change meanwhile).</summary>
    private async Task SnapshotAsync(CancellationToken cancellationToken)
    {
        if (discarded())
        {
            return;
        }

        await TrySnapshotAsync(e => logger.LogWarning(e, "Snapshot of {TwinId} failed; the journal holds its changes, retrying later", twinId));
        Schedule();
    }

    /// <summary>Writes the snapshot and reports what it covers; a failure goes to <paramref name="failed"/>, the journal keeps the changes.</summary>
    private async Task TrySnapshotAsync(Action<Exception> failed)
    {
        try
        {
            await persistence.SnapshotAsync();
            await persistence.ReportCoveredAsync();
        }
        catch (Exception e)
        {
            failed(e);
        }
    }
}
