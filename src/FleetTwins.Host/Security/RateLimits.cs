using System.Globalization;
using System.Threading.RateLimiting;
using FleetTwins.Host.Webhooks;
using FleetTwins.Ingestion.Webhooks;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Security;

/// <summary>
/// Request rate limits per credential: each API key has its own bucket (requests without a valid key share one
/// per client address, which also slows key guessing), each webhook provider its own. Over the limit: 429 with
/// <c>Retry-After</c>, in the answer shape of the endpoint. Health and the OpenAPI document are never limited.
/// Webhooks are not limited here but by <see cref="WebhookRateLimiter"/>, after their signature or token is checked:
/// unsigned requests must not use up a provider's budget.
/// </summary>
public static class RateLimits
{
    public static WebApplicationBuilder AddFleetTwinsRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitsOptions>().Bind(builder.Configuration.GetSection(RateLimitsOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RateLimitsOptions>, RateLimitsOptionsValidator>();
        builder.Services.AddSingleton<IPushRateLimit, WebhookRateLimiter>();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitsOptions>>((limiter, options) =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, options.Value));
            limiter.OnRejected = RejectAsync;
        });
        return builder;
    }

    /// <summary>A token bucket per key with the given limit (none when its rate is 0).</summary>
    public static RateLimitPartition<string> Bucket(string key, RateLimitBucketOptions limit) =>
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

    /// <summary>Whole seconds to wait, at least one, from a refused lease.</summary>
    public static int RetryAfterSeconds(RateLimitLease lease) =>
        Math.Max(1, (int)Math.Ceiling((lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1)).TotalSeconds));

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitsOptions options)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/scalar")
            || path.StartsWithSegments("/webhooks"))
        {
            return RateLimitPartition.GetNoLimiter("unlimited");
        }

        var caller = context.User.Identity is { IsAuthenticated: true, Name: { } name }
            ? name
            : "address:" + context.Connection.RemoteIpAddress;
        return Bucket("api:" + caller, options.Api);
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = RetryAfterSeconds(rejected.Lease);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests, Title = "Too Many Requests",
                Detail = $"Too many requests for this credential; retry after {seconds} s.",
            },
        });
    }
}
