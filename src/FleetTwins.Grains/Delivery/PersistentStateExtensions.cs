using Orleans.Runtime;

namespace FleetTwins.Grains.Delivery;

/// <summary>Writing state so that a failed write never leaves a grain serving state storage does not hold.</summary>
public static class PersistentStateExtensions
{
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
