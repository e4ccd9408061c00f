// Most of these tests wait on host processes (start-ups, restarts, paced load), not on the test runner's CPU: four
// collections at a time keep two cores busy where the default (one per core) leaves them mostly idle.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>
/// Tests that change what every host on the shared PostgreSQL and RabbitMQ sees — a service stopped, killed or restarted,
/// its connections cut, the notification exchange filled or read whole — run one at a time, after the others.
/// Every other test has a database and queues of its own, and runs beside its neighbours. Each such class also carries
/// the trait <c>Services=exclusive</c>: <c>tools/test.sh</c> runs them in a test run of their own, on services of their own,
/// beside the rest (<see cref="SharedServicesCollectionTests"/> keeps the two marks together).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedServicesCollection
{
    public const string Name = "shared services";

    public const string Trait = "Services";

    public const string Exclusive = "exclusive";
}
