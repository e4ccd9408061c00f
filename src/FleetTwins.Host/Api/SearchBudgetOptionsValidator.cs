using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api;

/// <summary>Refuses a search budget that could never admit a search, or that a single search could not fit in.</summary>
public sealed class SearchBudgetOptionsValidator : IValidateOptions<SearchBudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, SearchBudgetOptions options)
    {
        var failures = new List<string>();
        if (options.MaxCostPerRequest < 1)
        {
            failures.Add($"{SearchBudgetOptions.Section}:MaxCostPerRequest {options.MaxCostPerRequest} must be positive");
        }

        if (options.CostPerSecond < 0)
        {
            failures.Add($"{SearchBudgetOptions.Section}:CostPerSecond {options.CostPerSecond} must not be negative (0 switches the budget off)");
        }

        if (options.CostPerSecond > 0 && Math.Max(options.Burst, options.CostPerSecond) < options.MaxCostPerRequest)
        {
            failures.Add($"{SearchBudgetOptions.Section}:Burst {options.Burst} is below MaxCostPerRequest {options.MaxCostPerRequest}: the costliest search allowed could never run");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
