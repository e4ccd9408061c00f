namespace FleetTwins.Abstractions.Fleet;

/// <summary>
/// Where a twin hands each persisted change for the fleet's eyes: the search projection and the fleet-wide watch.
/// Called after the state write, never blocks and never fails the twin; one per silo.
/// </summary>
public interface IFleetFeed
{
    void Publish(FleetChange change);
}

/// <summary>The feed when nothing projects the fleet (tests of a single twin).</summary>
public sealed class NoFleetFeed : IFleetFeed
{
    public void Publish(FleetChange change)
    {
    }
}
