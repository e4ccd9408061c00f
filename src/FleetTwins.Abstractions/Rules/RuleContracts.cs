namespace FleetTwins.Abstractions.Rules;

/// <summary>
/// An operator's rule: while <see cref="When"/> holds for <see cref="For"/> on a vehicle (of those
/// <see cref="AppliesTo"/> selects), the vehicle has an alert of <see cref="Severity"/>; it clears once
/// <see cref="ClearWhen"/> (by default: not <see cref="When"/>) has held for <see cref="ClearFor"/>. Conditions are
/// filters of the fleet search language (docs/RULES.md).
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.Rule")]
public sealed record Rule
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string When { get; init; }
    [Id(3)] public TimeSpan For { get; init; }
    [Id(4)] public string? ClearWhen { get; init; }
    [Id(5)] public TimeSpan ClearFor { get; init; }

    /// <summary><c>critical</c>, <c>major</c>, <c>minor</c>, <c>warning</c> or <c>info</c>.</summary>
    [Id(6)] public required string Severity { get; init; }

    /// <summary>Which vehicles the rule watches (a filter); null: every vehicle.</summary>
    [Id(7)] public string? AppliesTo { get; init; }

    [Id(8)] public bool Enabled { get; init; } = true;

    /// <summary>A re-trigger of an open alert notifies again at most this often per vehicle; null: never.</summary>
    [Id(9)] public TimeSpan? NotifyEvery { get; init; }

    /// <summary>The registry's version when this rule last changed.</summary>
    [Id(10)] public long Version { get; init; }

    [Id(11)] public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The fleet's rules at one version of the registry.</summary>
[GenerateSerializer, Immutable, Alias("ft.RuleSet")]
public sealed record RuleSet([property: Id(0)] long Version, [property: Id(1)] IReadOnlyList<Rule> Rules)
{
    public static readonly RuleSet Empty = new(0, []);
}

/// <summary>What a write to the registry did.</summary>
public enum RuleWrite
{
    Created,
    Replaced,

    /// <summary>Creating: a rule with that id exists.</summary>
    Exists,

    /// <summary>The registry holds as many rules as it may.</summary>
    Full,
}

/// <summary>The fleet's rules, one grain (key <see cref="Key"/>): every change bumps the version the silos' catalogues follow.</summary>
[Alias("ft.IRuleRegistryGrain")]
public interface IRuleRegistryGrain : IGrainWithStringKey
{
    public const string Key = "fleet";

    /// <summary>The most rules the registry holds.</summary>
    public const int MaxRules = 1000;

    [Alias("Get")]
    Task<RuleSet> GetAsync();

    [Alias("GetVersion")]
    Task<long> GetVersionAsync();

    /// <summary>Stores <paramref name="rule"/> (already validated); with <paramref name="create"/>, only if its id is new.</summary>
    [Alias("Put")]
    Task<RuleWrite> PutAsync(Rule rule, bool create);

    /// <summary>Removes the rule; false when there was none.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync(string id);
}
