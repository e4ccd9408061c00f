using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Identity;
using Orleans.Runtime;

namespace FleetTwins.Grains.Identity;

/// <summary>The persisted owner of one alias.</summary>
[GenerateSerializer, Alias("ft.grains.AliasState")]
public sealed class AliasState
{
    [Id(0)] public string? TwinId { get; set; }
}

/// <summary>One entry of the alias index: which twin an identifier belongs to. The first claim wins.</summary>
[GrainType("alias")]
public sealed class AliasGrain([PersistentState("alias", StorageNames.Twins)] IPersistentState<AliasState> alias) : Grain, IAliasGrain
{
    public Task<string?> GetTwinIdAsync() => Task.FromResult(alias.State.TwinId);

    public async Task<string> ClaimAsync(string twinId)
    {
        if (alias.State.TwinId is { } owner)
        {
            return owner;
        }

        alias.State.TwinId = twinId;
        try
        {
            await alias.WriteStateAsync();
        }
        catch
        {
            alias.State.TwinId = null;
            throw;
        }

        return twinId;
    }

    public async Task<string?> RepointAsync(string fromTwinId, string toTwinId)
    {
        if (alias.State.TwinId is null || alias.State.TwinId == fromTwinId)
        {
            alias.State.TwinId = toTwinId;
            await alias.WriteStateAsync();
        }

        return alias.State.TwinId;
    }
}
