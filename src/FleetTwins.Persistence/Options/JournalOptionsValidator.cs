using Microsoft.Extensions.Options;

namespace FleetTwins.Persistence.Options;

/// <summary>Refuses journal settings that would delete what is needed or never finish.</summary>
public sealed class JournalOptionsValidator : IValidateOptions<JournalOptions>
{
    public ValidateOptionsResult Validate(string? name, JournalOptions options)
    {
        var failures = new List<string>();
        if (options.Retention < TimeSpan.FromMinutes(1))
        {
            failures.Add($"{JournalOptions.Section}:Retention {options.Retention} must be at least 00:01:00");
        }

        if (options.DeleteBatchSize is < 1 or > 1_000_000)
        {
            failures.Add($"{JournalOptions.Section}:DeleteBatchSize {options.DeleteBatchSize} must be between 1 and 1000000");
        }

        if (options.RetentionPeriod < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{JournalOptions.Section}:RetentionPeriod {options.RetentionPeriod} must be at least 00:00:01");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
