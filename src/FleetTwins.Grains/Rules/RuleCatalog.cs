using FleetTwins.Abstractions.Rules;
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
/// The silo's compiled copy of the rule registry, for its twins: a twin reads them without a call (<see cref="GetAsync"/>); the
/// copy asks the registry for its version at most once per <see cref="RefreshPeriod"/> (in the background, so no
/// delivery waits on it), and a caller that must see a given version waits for it. So a
/// change reaches every silo's twins within about a second.
/// </summary>
public sealed class RuleCatalog(IGrainFactory grains, IOptions<FilterTimeZoneOptions> zone, ILogger<RuleCatalog> logger)
{
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private CompiledRules current = CompiledRules.None;
    /// <summary>When the registry was last asked (<see cref="Environment.TickCount64"/>: the refresh runs on real time, whatever clock the twins' rules use).</summary>
    private long checkedAt;
    private Task? refreshing;
    private bool loaded;

    /// <summary>True when the rules as last read hold any rule (a twin then keeps its summary before a change, for <c>changed()</c>).</summary>
    public bool Any => current.Rules.Count > 0;

    /// <summary>
    /// The rules as last read, at <paramref name="version"/> or later: waits for the registry only on first use or when a
    /// newer version is asked for (a twin that decided with it, a rule change); otherwise answers at once and refreshes in
    /// the background when the last check is older than <see cref="RefreshPeriod"/>.
    /// </summary>
    public async ValueTask<CompiledRules> GetAsync(long version = 0)
    {
        if (!loaded || current.Version < version)
        {
            await RefreshAsync();
        }
        else if (Environment.TickCount64 - checkedAt >= (long)RefreshPeriod.TotalMilliseconds)
        {
            _ = Task.Run(RefreshAsync);
        }

        return current;
    }

    /// <summary>One refresh at a time; callers during one share it. A failure keeps the rules as they were (logged).</summary>
    public Task RefreshAsync()
    {
        lock (gate)
        {
            return refreshing ??= ReadAsync();
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            var registry = grains.GetGrain<IRuleRegistryGrain>(IRuleRegistryGrain.Key);
            if (await registry.GetVersionAsync() != current.Version)
            {
                current = CompiledRules.From(await registry.GetAsync(), zone.Value.Context(forRules: true), logger);
            }

            checkedAt = Environment.TickCount64;
            loaded = true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "The rules could not be read; twins keep evaluating version {Version}", current.Version);
        }
        finally
        {
            lock (gate)
            {
                refreshing = null;
            }
        }
    }
}
