namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>
/// Tests that change what every host on the shared PostgreSQL and RabbitMQ sees — a service stopped, killed or restarted,
/// its connections cut, the notification exchange filled or read whole — run one at a time, after the others.
/// Every other test has a database and queues of its own, and runs beside its neighbours.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedServicesCollection
{
    public const string Name = "shared services";
}
