using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>A test database as a cluster silo's configuration.</summary>
public static class PostgresDatabaseSettings
{
    /// <summary>
    /// Settings of a cluster-profile silo on this database (cluster id = database name), with the test providers'
    /// credentials, which a cluster silo needs to serve its webhook endpoints.
    /// </summary>
    public static Dictionary<string, string> ClusterSettings(this PostgresDatabase database, bool migrate)
    {
        var settings = WebhookSender.Settings();
        settings["FleetTwins__Profile"] = "Cluster";
        settings["FleetTwins__ClusterId"] = database.Name;
        settings["FleetTwins__MigrateOnStart"] = migrate ? "true" : "false";
        settings["ConnectionStrings__Postgres"] = database.ConnectionString;
        return settings;
    }
}
