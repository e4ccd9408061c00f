namespace FleetTwins.Host.Settings;

/// <summary>Names under <c>ConnectionStrings</c> that the cluster profile reads.</summary>
public static class ConnectionStringNames
{
    public const string Postgres = "Postgres";
    public const string RabbitMQ = "RabbitMQ";
}
