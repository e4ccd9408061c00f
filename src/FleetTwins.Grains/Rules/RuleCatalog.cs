using FleetTwins.Abstractions.Rules;
using FleetTwins.Grains.Registries;
using FleetTwins.Search.Filters;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FleetTwins.Grains.Rules;

/// <summary>The fleet's rules compiled, at one registry version.</summary>
public sealed record CompiledRules(long Version, IReadOnlyList<CompiledRule> Rules)
{
    public static readonly CompiledRules None = new(0, []);

    /// <summary>Compiles what the registry holds; a rule that no longer compiles (a grammar change) is left out and logged.</summary>
    public static CompiledRules From(RuleSet set, FilterContext context, ILogger logger)
    {
        var compiled = new List<CompiledRule>(set.Rules.Count);
        foreach (var rule in set.Rules)
        {
            try
            {
                compiled.Add(CompiledRule.Compile(rule, context));
            }
            catch (RuleException e)
            {
                logger.LogError("Rule {RuleId} is not evaluated: {Problem}", rule.Id, e.Message);
            }
        }

        return new CompiledRules(set.Version, compiled);
    }
}

/// <summary>
/// The silo's compiled copy of the rule registry (a singleton), for its twins: they read it without a grain call
/// (<see cref="RegistryCopy{T}.GetAsync"/>, which waits for the registry only on first use or when a newer version is
/// asked for: a twin that decided with it, a rule change).
/// </summary>
public sealed class RuleCatalog(IGrainFactory grains, IOptions<FilterTimeZoneOptions> zone, ILogger<RuleCatalog> logger)
    : RegistryCopy<CompiledRules>(CompiledRules.None, logger)
{
    /// <summary>True when the rules as last read hold any rule (a twin then keeps its summary before a change, for <c>changed()</c>).</summary>
    public bool Any => Current.Rules.Count > 0;

    protected override string What => "rules";

    protected override long VersionOf(CompiledRules copy) => copy.Version;

    protected override Task<long> ReadVersionAsync() => Registry.GetVersionAsync();

    protected override async Task<CompiledRules> LoadAsync(CompiledRules previous) =>
        CompiledRules.From(await Registry.GetAsync(), zone.Value.Context(forRules: true), logger);

    private IRuleRegistryGrain Registry => grains.GetGrain<IRuleRegistryGrain>(IRuleRegistryGrain.Key);
}
