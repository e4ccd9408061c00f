using Microsoft.Extensions.Options;

namespace FleetTwins.Grains.Options;

/// <summary>Refuses a snapshot cadence the twins cannot keep.</summary>
public sealed class SnapshotOptionsValidator : IValidateOptions<SnapshotOptions>
{
    public ValidateOptionsResult Validate(string? name, SnapshotOptions options)
    {
        var failures = new List<string>();
        if (options.SnapshotEvery is < 1 or > 100_000)
        {
            failures.Add($"{SnapshotOptions.Section}:SnapshotEvery {options.SnapshotEvery} must be between 1 and 100000");
        }

        if (options.SnapshotInterval <= TimeSpan.Zero || options.SnapshotInterval > TimeSpan.FromDays(1))
        {
            failures.Add($"{SnapshotOptions.Section}:SnapshotInterval {options.SnapshotInterval} must be positive and at most a day");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
