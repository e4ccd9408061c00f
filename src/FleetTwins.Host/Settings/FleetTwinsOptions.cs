using FleetTwins.Host.Silo;
namespace FleetTwins.Host.Settings;

/// <summary>The <c>FleetTwins</c> configuration section.</summary>
public sealed class FleetTwinsOptions
{
    public const string Section = "FleetTwins";

    public FleetTwinsProfile Profile { get; set; } = FleetTwinsProfile.Embedded;

    /// <summary>Orleans cluster id: silos with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = "fleettwins";

    /// <summary>Orleans service id: part of every storage key, so it must never change once there is data.</summary>
    public string ServiceId { get; set; } = "fleettwins";

    /// <summary>
    /// The embedded profile's SQLite data file (relative to the working directory); <c>:memory:</c> keeps everything in
    /// this process, and nothing survives a restart.
    /// </summary>
    public string DataPath { get; set; } = "./data/fleettwins.db";

    /// <summary>Apply the schema in <c>deploy/sql</c> at start-up (cluster profile).</summary>
    public bool MigrateOnStart { get; set; }

    public SiloEndpointOptions Silo { get; set; } = new();
}
