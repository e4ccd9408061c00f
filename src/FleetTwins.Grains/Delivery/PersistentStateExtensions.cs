using FleetTwins.Abstractions.Events;
using Orleans.Runtime;

namespace FleetTwins.Grains.Delivery;

/// <summary>Writing state so that a failed write never leaves a grain serving state storage does not hold.</summary>
public static class PersistentStateExtensions
{
    /// <summary>
    /// Applies a delivery once: a delivery id in <paramref name="log"/> is a duplicate and changes nothing; otherwise
    /// <paramref name="apply"/> runs, the id is recorded with the state, and both are written before answering.
    /// </summary>
    public static async Task<ApplyOutcome> ApplyOnceAsync<T>(
        this IPersistentState<T> state, Grain grain, DeliveryLog log, string deliveryId, Action apply)
    {
        if (log.Contains(deliveryId))
        {
            return ApplyOutcome.Duplicate;
        }

        apply();
        log.Add(deliveryId);
        await state.WriteStateOrDeactivateAsync(grain);
        return ApplyOutcome.Applied;
    }

    /// <summary>Writes the state; on failure deactivates the grain (the next call reloads from storage) and rethrows.</summary>
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
}
