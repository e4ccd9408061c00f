using Microsoft.Extensions.Options;

namespace FleetTwins.Grains.Options;

/// <summary>Refuses retry waits that would spin (zero or less) or shrink (a maximum below the first wait).</summary>
public sealed class DispatchRetryOptionsValidator : IValidateOptions<DispatchRetryOptions>
{
    public ValidateOptionsResult Validate(string? name, DispatchRetryOptions options)
    {
        var failures = new List<string>();
        if (options.RetryBackoff <= TimeSpan.Zero)
        {
            failures.Add($"{DispatchRetryOptions.Section}:RetryBackoff {options.RetryBackoff} must be positive");
        }

        if (options.MaxRetryBackoff < options.RetryBackoff)
        {
            failures.Add($"{DispatchRetryOptions.Section}:MaxRetryBackoff {options.MaxRetryBackoff} is below RetryBackoff {options.RetryBackoff}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
