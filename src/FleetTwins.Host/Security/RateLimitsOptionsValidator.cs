using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Security;

/// <summary>Refuses a bucket with a negative rate or burst at start-up.</summary>
public sealed class RateLimitsOptionsValidator : IValidateOptions<RateLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitsOptions options)
    {
        var failures = new List<string>();
        foreach (var (bucket, limit) in new[] { ("Api", options.Api), ("Webhooks", options.Webhooks) })
        {
            if (limit.PermitsPerSecond < 0)
            {
                failures.Add($"{RateLimitsOptions.Section}:{bucket}:PermitsPerSecond {limit.PermitsPerSecond} must not be negative (0 switches the limit off)");
            }

            if (limit.Burst < 0)
            {
                failures.Add($"{RateLimitsOptions.Section}:{bucket}:Burst {limit.Burst} must not be negative");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
