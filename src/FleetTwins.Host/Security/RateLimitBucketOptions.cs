namespace FleetTwins.Host.Security;

/// <summary>A token bucket: a sustained rate and a burst on top of it; 0 permits per second switches it off.</summary>
public sealed class RateLimitBucketOptions
{
    public int PermitsPerSecond { get; set; }

    public int Burst { get; set; }
}
