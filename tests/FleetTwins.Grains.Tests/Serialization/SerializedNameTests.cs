using System.Reflection;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Vehicles;
using FleetTwins.Ingestion.Routing;
using FleetTwins.Streaming.RabbitMQ.Streams;

namespace FleetTwins.Grains.Tests.Serialization;

/// <summary>
/// Every type Orleans serializes and every grain interface (and its methods) carries an <c>[Alias]</c>, and the aliases
/// are pinned in <c>Serialization/aliases.txt</c>: renaming or moving a class keeps its alias, so stored state and a
/// mixed-version cluster keep working; changing an alias (or leaving one out) fails here.
/// </summary>
public sealed class SerializedNameTests
{
    private static readonly Assembly[] Assemblies =
    [
        typeof(VehicleTwin).Assembly, typeof(VehicleTwinState).Assembly, typeof(Routed).Assembly, typeof(RabbitMQMessage).Assembly,
    ];

    private static IEnumerable<(Type Type, string? Alias)> Named()
    {
        foreach (var type in Assemblies.SelectMany(a => a.GetTypes()).Where(t => t.Namespace?.StartsWith("FleetTwins", StringComparison.Ordinal) == true))
        {
            var serialized = type.GetCustomAttribute<GenerateSerializerAttribute>() is not null && !type.IsEnum;
            var grainInterface = type.IsInterface && typeof(IAddressable).IsAssignableFrom(type);
            if (!serialized && !grainInterface)
            {
                continue;
            }

            yield return (type, AliasOf(type));
            if (grainInterface)
            {
                foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                {
                    var alias = AliasOf(method);
                    yield return (type, alias is null ? null : $"{AliasOf(type)}.{alias}");
                }
            }
        }
    }

    /// <summary>The member's own alias (a derived type does not inherit its base type's).</summary>
    private static string? AliasOf(MemberInfo member) =>
        member.GetCustomAttributes<AliasAttribute>(inherit: false).SingleOrDefault()?.Alias;

    [Fact]
    public void Every_serialized_type_and_grain_interface_has_an_alias()
    {
        var missing = Named().Where(n => n.Alias is null).Select(n => n.Type.FullName).Distinct().ToList();
        Assert.True(missing.Count == 0, $"without [Alias]: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Aliases_are_the_pinned_ones()
    {
        var pinned = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Serialization", "aliases.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);
        var actual = Named().Select(n => n.Alias).OfType<string>().ToHashSet(StringComparer.Ordinal);

        var added = actual.Except(pinned).Order().ToList();
        var gone = pinned.Except(actual).Order().ToList();
        Assert.True(added.Count == 0 && gone.Count == 0,
            $"Aliases changed. Not pinned yet (add them to Serialization/aliases.txt): {string.Join(", ", added)}. " +
            $"Pinned but gone (stored state or an older silo may still use them: keep the alias): {string.Join(", ", gone)}.");
    }

    [Fact]
    public void No_two_types_or_methods_share_an_alias()
    {
        var shared = Named().Where(n => n.Alias is not null).GroupBy(n => n.Alias).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(shared);
    }
}
