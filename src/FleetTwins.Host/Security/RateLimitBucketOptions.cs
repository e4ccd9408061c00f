using FleetTwins.Host.Benchmarks;
using FleetTwins.Host.FleetConsole;
using FleetTwins.Host.Health;
using FleetTwins.Host.Migrate;
using FleetTwins.Host.Profiles;
using FleetTwins.Host.Settings;
using FleetTwins.Host.Silo;
using FleetTwins.Host.Telemetry;
namespace FleetTwins.Host.Security;

/// <summary>A token bucket: a sustained rate and a burst on top of it; 0 permits per second switches it off.</summary>
public sealed class RateLimitBucketOptions
{
    public int PermitsPerSecond { get; set; }

    public int Burst { get; set; }
}
