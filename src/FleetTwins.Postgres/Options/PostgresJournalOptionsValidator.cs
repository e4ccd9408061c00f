using Microsoft.Extensions.Options;

namespace FleetTwins.Postgres.Options;

/// <summary>Refuses journal batch settings the journal cannot run with, at start-up.</summary>
public sealed class PostgresJournalOptionsValidator : IValidateOptions<PostgresJournalOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresJournalOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBatchSize is < 1 or > PostgresGrainStorageOptionsValidator.MostStatesPerBatch)
        {
            failures.Add($"FleetTwins:Journal:MaxBatchSize {options.MaxBatchSize} must be between 1 and {PostgresGrainStorageOptionsValidator.MostStatesPerBatch}");
        }

        if (options.MaxConcurrentBatches is < 1 or > 64)
        {
            failures.Add($"FleetTwins:Journal:MaxConcurrentBatches {options.MaxConcurrentBatches} must be between 1 and 64");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
