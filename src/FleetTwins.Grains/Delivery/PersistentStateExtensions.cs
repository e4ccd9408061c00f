using FleetTwins.Abstractions.Events;

namespace FleetTwins.Grains.Delivery;

/// <summary>Writing state so that a failed write never leaves a grain serving state storage does not hold.</summary>
public static class PersistentStateExtensions
{
    /// <summary>
    /// Applies a delivery once: a delivery id in <paramref name="log"/> is a duplicate and changes nothing; otherwise
    /// <paramref name="apply"/> runs, the id is recorded with the state as applied at <paramref name="now"/>, and both
    /// are written before answering.
    /// </summary>
    public static async Task<ApplyOutcome> ApplyOnceAsync<T>(
        this IPersistentState<T> state, Grain grain, DeliveryLog log, string deliveryId, DateTimeOffset now, Action apply)
    {
        if (log.Contains(deliveryId))
        {
            return ApplyOutcome.Duplicate;
        }

        try
        {
            apply();
            log.Add(deliveryId, now);
        }
        catch
        {
            // An apply that threw may have changed part of the state: that part must not outlive the call.
            grain.DeactivateOnIdle();
            throw;
        }

        await state.WriteStateOrDeactivateAsync(grain);
        return ApplyOutcome.Applied;
    }

    /// <summary>
    /// Writes the state; on any failure (storage down, or the state failing to serialize) deactivates the grain, so
    /// that the next call reloads what storage holds instead of the change that was not written, and rethrows.
    /// </summary>
    public static async Task WriteStateOrDeactivateAsync<T>(this IPersistentState<T> state, Grain grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// Runs a step between an in-memory change and its write (e.g. registering a reminder); if it fails, deactivates
    /// the grain so the unwritten change does not outlive the call, and rethrows.
    /// </summary>
    public static async Task RunOrDeactivateAsync(this Grain grain, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
