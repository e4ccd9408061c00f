using Microsoft.Extensions.Options;

namespace FleetTwins.Sqlite.Options;

/// <summary>Refuses a data file or batch settings the storage cannot run with, at start-up rather than at the first write.</summary>
public sealed class SqliteOptionsValidator : IValidateOptions<SqliteOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataPath))
        {
            failures.Add("FleetTwins:DataPath must name a file (or be :memory:)");
        }
        else if (options.DataPath != SqliteOptions.InMemory && Directory.Exists(options.DataPath))
        {
            failures.Add($"FleetTwins:DataPath {options.DataPath} is a folder; name a file in it, e.g. {Path.Combine(options.DataPath, "fleettwins.db")}");
        }

        if (!Enum.IsDefined(options.Synchronous))
        {
            failures.Add($"FleetTwins:Sqlite:Synchronous {options.Synchronous} must be Full or Normal");
        }

        if (options.MaxBatchSize is < 1 or > 100_000)
        {
            failures.Add($"FleetTwins:Sqlite:MaxBatchSize {options.MaxBatchSize} must be between 1 and 100000");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
