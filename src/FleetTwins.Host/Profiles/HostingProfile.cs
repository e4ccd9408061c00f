using FleetTwins.Host.Settings;

namespace FleetTwins.Host.Profiles;

/// <summary>
/// Everything that differs between the embedded and the cluster profile, each profile in one file: where state
/// lives (storage, reminders, the search projection), how silos find each other, what readiness checks, what must be
/// configured. The rest of the host is the same for both and asks the profile at these points only.
/// </summary>
public abstract class HostingProfile
{
    /// <summary>The profile chosen by <c>FleetTwins:Profile</c>.</summary>
    public static HostingProfile For(IConfiguration configuration) => configuration.GetFleetTwinsOptions().Profile switch
    {
        FleetTwinsProfile.Cluster => new ClusterProfile(configuration),
        _ => new EmbeddedProfile(configuration),
    };

    /// <summary>How the start-up line and error messages name the profile.</summary>
    public abstract string Name { get; }

    /// <summary>Where this profile keeps state, for the start-up line.</summary>
    public abstract string Describe();

    /// <summary>What an operator must know at start-up about where state lives (logged as a warning), if anything.</summary>
    public virtual string? StartupWarning => null;

    /// <summary>Whether a push endpoint may be served without credentials (only to loopback clients on one box).</summary>
    public abstract bool RequiresPushCredentials { get; }

    /// <summary>The services state lives in: connections, schema, the fleet search projection. Called before the silo is added.</summary>
    public abstract void AddServices(IServiceCollection services);

    /// <summary>
    /// Opens where state lives before anything listens, so that a store that cannot be used (another host's file, a
    /// damaged or read-only one) stops the host with one line rather than failing its first deliveries.
    /// </summary>
    public virtual void Open(IServiceProvider services)
    {
    }

    /// <summary>Clustering, grain storage and reminders of the silo.</summary>
    public abstract void ConfigureSilo(ISiloBuilder silo);

    /// <summary>What readiness checks besides the silo itself.</summary>
    public virtual void AddHealthChecks(IHealthChecksBuilder checks, string tag)
    {
    }

    /// <summary>Endpoints only this profile serves.</summary>
    public virtual void MapEndpoints(WebApplication app)
    {
    }
}
