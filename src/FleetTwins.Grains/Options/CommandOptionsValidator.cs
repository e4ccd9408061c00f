using Microsoft.Extensions.Options;

namespace FleetTwins.Grains.Options;

/// <summary>
/// Refuses command settings the twins cannot keep: the timeout reminder's period must be one Orleans accepts, or every
/// command and disconnect would fail when it registers it, long after a clean start.
/// </summary>
public sealed class CommandOptionsValidator(IOptions<ReminderOptions> reminders) : IValidateOptions<CommandOptions>
{
    public ValidateOptionsResult Validate(string? name, CommandOptions options)
    {
        var failures = new List<string>();
        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{CommandOptions.Section}:Timeout {options.Timeout} must be positive");
        }

        if (options.IdempotencyWindow <= TimeSpan.Zero)
        {
            failures.Add($"{CommandOptions.Section}:IdempotencyWindow {options.IdempotencyWindow} must be positive");
        }

        var minimum = reminders.Value.MinimumReminderPeriod;
        if (options.CheckPeriod < minimum)
        {
            failures.Add($"{CommandOptions.Section}:CheckPeriod {options.CheckPeriod} is below Reminders:MinimumReminderPeriod {minimum}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
