namespace FleetTwins.Host.Options;

/// <summary>Which way the host runs: everything in one process, or as one silo of a cluster on PostgreSQL.</summary>
public enum FleetTwinsProfile
{
    /// <summary>Localhost clustering, in-memory storage, reminders and streams; nothing else to install.</summary>
    Embedded,

    /// <summary>ADO.NET clustering, persistence and reminders on PostgreSQL; any number of silos.</summary>
    Cluster,
}

/// <summary>The <c>FleetTwins</c> configuration section.</summary>
public sealed class FleetTwinsOptions
{
    public const string Section = "FleetTwins";

    public FleetTwinsProfile Profile { get; set; } = FleetTwinsProfile.Embedded;

    /// <summary>Orleans cluster id: silos with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = "fleettwins";

    /// <summary>Orleans service id: part of every storage key, so it must never change once there is data.</summary>
    public string ServiceId { get; set; } = "fleettwins";

    /// <summary>Apply the schema in <c>deploy/sql</c> at start-up (cluster profile).</summary>
    public bool MigrateOnStart { get; set; }

    public SiloEndpointOptions Silo { get; set; } = new();
}

/// <summary>Where this silo listens for other silos and for Orleans clients.</summary>
public sealed class SiloEndpointOptions
{
    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at; defaults to <c>POD_IP</c>, else loopback.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>The silo name; defaults to <c>POD_NAME</c>, else the machine name with the silo port.</summary>
    public string? Name { get; set; }
}
