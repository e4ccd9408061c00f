using FleetTwins.Host.Benchmarks;
using FleetTwins.Host.FleetConsole;
using FleetTwins.Host.Health;
using FleetTwins.Host.Migrate;
using FleetTwins.Host.Profiles;
using FleetTwins.Host.Security;
using FleetTwins.Host.Silo;
using FleetTwins.Host.Telemetry;
namespace FleetTwins.Host.Settings;

/// <summary>Names under <c>ConnectionStrings</c> that the cluster profile reads.</summary>
public static class ConnectionStringNames
{
    public const string Postgres = "Postgres";
    public const string RabbitMQ = "RabbitMQ";
}
