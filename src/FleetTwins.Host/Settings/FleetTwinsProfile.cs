namespace FleetTwins.Host.Settings;

/// <summary>Which way the host runs: everything in one process, or as one silo of a cluster on PostgreSQL.</summary>
public enum FleetTwinsProfile
{
    /// <summary>Localhost clustering; twins, reminders and the projection in one SQLite file; nothing else to install (Profiles/EmbeddedProfile).</summary>
    Embedded,

    /// <summary>Clustering, grain state and reminders on PostgreSQL; any number of silos (Profiles/ClusterProfile).</summary>
    Cluster,
}
