using System.Text.RegularExpressions;
using Orleans.Serialization;
using Orleans.Serialization.TypeSystem;

namespace FleetTwins.Grains.Serialization;

/// <summary>
/// Reads the type names of stored state written before the contracts carried <c>[Alias]</c> and before their
/// namespaces matched the assembly (then <c>FleetTwins.Events.DepartureTime,FleetTwins.Abstractions</c>,
/// now <c>FleetTwins.Abstractions.Events.DepartureTime</c>, written as its alias). Orleans writes a type's name only
/// where a field's runtime type differs from its declared one (a <c>List&lt;T&gt;</c> behind an
/// <c>IReadOnlyList&lt;T&gt;</c>), so these names occur inside stored twins. Writing is left to the aliases.
/// </summary>
public sealed partial class LegacyTypeNames(TypeResolver resolver) : ITypeConverter
{
    public bool TryFormat(Type type, out string formatted)
    {
        formatted = null!;
        return false;
    }

    public bool TryParse(string formatted, out Type type)
    {
        type = null!;
        if (!formatted.Contains(",FleetTwins.Abstractions", StringComparison.Ordinal))
        {
            return false;
        }

        var current = MovedNamespace().Replace(formatted, "FleetTwins.Abstractions.$1.");
        return !ReferenceEquals(current, formatted) && current != formatted && resolver.TryResolveType(current, out type);
    }

    /// <summary>The namespaces of FleetTwins.Abstractions as they were before they took the assembly's name.</summary>
    [GeneratedRegex(@"(?<![\w.])FleetTwins\.(Accounts|Alerts|Chargers|Commands|Events|Fleet|Identity|Notifications|RateLimits|Vehicles)\.")]
    private static partial Regex MovedNamespace();
}
