using Microsoft.Extensions.Options;

namespace FleetTwins.Postgres.Options;

/// <summary>Refuses batch settings the storage cannot run with, at start-up rather than at the first write.</summary>
public sealed class PostgresGrainStorageOptionsValidator : IValidateOptions<PostgresGrainStorageOptions>
{
    /// <summary>PostgreSQL takes at most 65,535 parameters, but each array is one: the bound is what one commit should carry.</summary>
    public const int MostStatesPerBatch = 10_000;

    public ValidateOptionsResult Validate(string? name, PostgresGrainStorageOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBatchSize is < 1 or > MostStatesPerBatch)
        {
            failures.Add($"MaxBatchSize {options.MaxBatchSize} must be between 1 and {MostStatesPerBatch}");
        }

        if (options.MaxConcurrentBatches is < 1 or > 64)
        {
            failures.Add($"MaxConcurrentBatches {options.MaxConcurrentBatches} must be between 1 and 64");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
