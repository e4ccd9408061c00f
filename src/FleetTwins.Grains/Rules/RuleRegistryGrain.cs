using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Rules;

namespace FleetTwins.Grains.Rules;

/// <summary>The persisted state of the fleet's rules.</summary>
[GenerateSerializer, Alias("ft.grains.RuleRegistryState")]
public sealed class RuleRegistryState
{
    [Id(0)] public Dictionary<string, Rule> Rules { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public long Version { get; set; }
}

/// <summary>
/// The fleet's rules: what the silos' <see cref="RuleCatalog"/>s compile and the twins evaluate. Each change is stored,
/// then handed to <see cref="RuleRollout"/>, which brings it to the vehicles it may concern without waking the fleet.
/// </summary>
[GrainType("rules")]
public sealed class RuleRegistryGrain(
    [PersistentState("rules", StorageNames.Twins)] IPersistentState<RuleRegistryState> registry,
    RuleRollout rollout,
    TimeProvider clock) : Grain, IRuleRegistryGrain
{
    public Task<RuleSet> GetAsync() => Task.FromResult(Snapshot());

    public Task<long> GetVersionAsync() => Task.FromResult(registry.State.Version);

    public async Task<RuleWrite> PutAsync(Rule rule, bool create)
    {
        var existing = registry.State.Rules.GetValueOrDefault(rule.Id);
        if (existing is not null && create)
        {
            return RuleWrite.Exists;
        }

        if (existing is null && registry.State.Rules.Count >= IRuleRegistryGrain.MaxRules)
        {
            return RuleWrite.Full;
        }

        var version = registry.State.Version + 1;
        registry.State.Rules[rule.Id] = rule with { Version = version, UpdatedAt = clock.GetUtcNow() };
        registry.State.Version = version;
        await registry.WriteStateAsync();
        rollout.Changed(Snapshot(), [.. new[] { existing, rule }.OfType<Rule>()]);
        return existing is null ? RuleWrite.Created : RuleWrite.Replaced;
    }

    public async Task<bool> DeleteAsync(string id)
    {
        if (!registry.State.Rules.Remove(id, out var removed))
        {
            return false;
        }

        registry.State.Version++;
        await registry.WriteStateAsync();
        rollout.Changed(Snapshot(), [removed]);
        return true;
    }

    private RuleSet Snapshot() =>
        new(registry.State.Version, [.. registry.State.Rules.Values.OrderBy(r => r.Id, StringComparer.Ordinal)]);
}
