namespace FleetTwins.Host.Security;

/// <summary>The <c>RateLimits</c> section: one bucket per API credential, one per webhook provider.</summary>
public sealed class RateLimitsOptions
{
    public const string Section = "RateLimits";

    /// <summary>Per API key (per client address for requests without a valid key): REST and gRPC.</summary>
    public RateLimitBucketOptions Api { get; set; } = new() { PermitsPerSecond = 200, Burst = 400 };

    /// <summary>
    /// Per push provider (its credentials are one set of secrets or tokens): the webhook endpoints, counted once a
    /// delivery's signature or token is checked. The default is a ceiling above what a silo sustains; set it to what
    /// each provider may send.
    /// </summary>
    public RateLimitBucketOptions Webhooks { get; set; } = new() { PermitsPerSecond = 50_000, Burst = 100_000 };
}
