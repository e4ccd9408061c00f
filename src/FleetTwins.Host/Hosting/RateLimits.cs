using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace FleetTwins.Host.Hosting;

/// <summary>A token bucket: a sustained rate and a burst on top of it; 0 permits per second switches it off.</summary>
public sealed class RateLimitOptions
{
    public int PermitsPerSecond { get; set; }

    public int Burst { get; set; }
}

/// <summary>The <c>RateLimits</c> section: one bucket per API credential, one per webhook provider.</summary>
public sealed class RateLimitsOptions
{
    public const string Section = "RateLimits";

    /// <summary>Per API key (per client address for requests without a valid key): REST and gRPC.</summary>
    public RateLimitOptions Api { get; set; } = new() { PermitsPerSecond = 200, Burst = 400 };

    /// <summary>
    /// Per push provider (its credentials are one set of secrets or tokens): the webhook endpoints. The default is a
    /// ceiling above what a silo sustains; set it to what each provider may send.
    /// </summary>
    public RateLimitOptions Webhooks { get; set; } = new() { PermitsPerSecond = 50_000, Burst = 100_000 };
}

/// <summary>
/// Request rate limits per credential: each API key has its own bucket (requests without a valid key share one
/// per client address, which also slows key guessing), each webhook provider its own. Over the limit: 429 with
/// <c>Retry-After</c>, in the answer shape of the endpoint. Health and the OpenAPI document are never limited.
/// </summary>
public static class RateLimits
{
    public static WebApplicationBuilder AddFleetTwinsRateLimits(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RateLimitsOptions.Section).Get<RateLimitsOptions>() ?? new RateLimitsOptions();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, options));
            limiter.OnRejected = RejectAsync;
        });
        return builder;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitsOptions options)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/scalar"))
        {
            return RateLimitPartition.GetNoLimiter("unlimited");
        }

        if (path.StartsWithSegments("/webhooks", out var rest))
        {
            var provider = rest.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            return Bucket("webhook:" + provider, options.Webhooks);
        }

        var caller = context.User.Identity is { IsAuthenticated: true, Name: { } name }
            ? name
            : "address:" + context.Connection.RemoteIpAddress;
        return Bucket("api:" + caller, options.Api);
    }

    private static RateLimitPartition<string> Bucket(string key, RateLimitOptions limit) =>
        limit.PermitsPerSecond <= 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(limit.Burst, limit.PermitsPerSecond),
                TokensPerPeriod = limit.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var message = $"Too many requests for this credential; retry after {seconds} s.";
        if (context.Request.Path.StartsWithSegments("/webhooks"))
        {
            await context.Response.WriteAsJsonAsync(new { status = "error", message }, cancellationToken);
            return;
        }

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too Many Requests", Detail = message },
        });
    }
}
