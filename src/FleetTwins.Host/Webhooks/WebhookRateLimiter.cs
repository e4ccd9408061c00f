using System.Threading.RateLimiting;
using FleetTwins.Host.Security;
using FleetTwins.Ingestion.Webhooks;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Webhooks;

/// <summary>
/// One token bucket per push provider (<c>RateLimits:Webhooks</c>), taken from only once a delivery's signature or
/// token is valid, and keyed by the provider the endpoint serves, not by how its path was spelled.
/// </summary>
public sealed class WebhookRateLimiter(IOptions<RateLimitsOptions> options) : IPushRateLimit, IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter =
        PartitionedRateLimiter.Create<string, string>(provider => RateLimits.Bucket(provider, options.Value.Webhooks));

    public int? RetryAfterSeconds(string provider)
    {
        using var lease = limiter.AttemptAcquire(provider);
        return lease.IsAcquired ? null : RateLimits.RetryAfterSeconds(lease);
    }

    public void Dispose() => limiter.Dispose();
}
