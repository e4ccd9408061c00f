using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Identity;

namespace FleetTwins.Grains.Identity;

/// <summary>The persisted owner of one alias.</summary>
[GenerateSerializer, Alias("ft.grains.AliasState")]
public sealed class AliasState
{
    [Id(0)] public string? TwinId { get; set; }
}

/// <summary>
/// One entry of the alias index: which twin an identifier belongs to, the authority for it. The first claim wins; the
/// twins move an alias on (<see cref="RepointAsync"/>) or unbind it, each change persisted before it is answered.
/// Deliveries resolve aliases from each silo's cache, so an alias grain is consulted once per claim or miss: it is
/// collected after two idle minutes rather than Orleans' default fifteen (an activation costs ~1.5 KB, and a vehicle
/// has two or three aliases).
/// </summary>
[GrainType("alias"), CollectionAgeLimit(Minutes = 2)]
public sealed class AliasGrain([PersistentState("alias", StorageNames.Twins)] IPersistentState<AliasState> alias) : Grain, IAliasGrain
{
    public Task<string?> GetTwinIdAsync() => Task.FromResult(alias.State.TwinId);

    public async Task<string> ClaimAsync(string twinId)
    {
        if (alias.State.TwinId is { } owner)
        {
            return owner;
        }

        await SetAsync(twinId);
        return twinId;
    }

    public async Task<string?> RepointAsync(string fromTwinId, string toTwinId)
    {
        if (alias.State.TwinId is null || alias.State.TwinId == fromTwinId)
        {
            await SetAsync(toTwinId);
        }

        return alias.State.TwinId;
    }

    public async Task<bool> UnbindAsync(string twinId)
    {
        if (alias.State.TwinId != twinId)
        {
            return false;
        }

        await SetAsync(null);
        return true;
    }

    /// <summary>Writes the new owner; on failure the grain keeps answering the owner storage holds.</summary>
    private async Task SetAsync(string? twinId)
    {
        var previous = alias.State.TwinId;
        alias.State.TwinId = twinId;
        try
        {
            await alias.WriteStateAsync();
        }
        catch
        {
            alias.State.TwinId = previous;
            throw;
        }
    }
}
