using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api.Watching;

/// <summary>Refuses caps that would admit no watch, or a per-key cap no key could reach.</summary>
public sealed class WatchOptionsValidator : IValidateOptions<WatchOptions>
{
    public ValidateOptionsResult Validate(string? name, WatchOptions options)
    {
        var failures = new List<string>();
        if (options.MaxPerKey < 1)
        {
            failures.Add($"{WatchOptions.Section}:MaxPerKey {options.MaxPerKey} must be positive");
        }

        if (options.MaxTotal < 1)
        {
            failures.Add($"{WatchOptions.Section}:MaxTotal {options.MaxTotal} must be positive");
        }
        else if (options.MaxPerKey > options.MaxTotal)
        {
            failures.Add($"{WatchOptions.Section}:MaxPerKey {options.MaxPerKey} is above MaxTotal {options.MaxTotal}: one key could never hold that many");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
