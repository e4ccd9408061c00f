using System.Reflection;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>
/// tools/test.sh splits the host tests by the <c>Services=exclusive</c> trait: a class in the shared-services collection
/// without it would stop services under its neighbours' feet, and one with it outside the collection would run beside
/// other exclusive ones.
/// </summary>
public sealed class SharedServicesCollectionTests
{
    [Fact]
    public void Every_class_of_the_shared_services_collection_and_only_those_carry_the_exclusive_trait()
    {
        var classes = typeof(SharedServicesCollectionTests).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttributes().Any(a => a is FactAttribute)))
            .ToList();
        bool InCollection(Type t) => t.GetCustomAttribute<CollectionAttribute>()?.Name == SharedServicesCollection.Name;
        bool Exclusive(Type t) => t.GetCustomAttributes<TraitAttribute>()
            .Any(a => a.Name == SharedServicesCollection.Trait && a.Value == SharedServicesCollection.Exclusive);

        Assert.Contains(classes, InCollection);
        Assert.Empty(classes.Where(t => InCollection(t) != Exclusive(t)).Select(t => t.Name));
    }
}
