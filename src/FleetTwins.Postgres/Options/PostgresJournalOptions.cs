namespace FleetTwins.Postgres.Options;

/// <summary>How the PostgreSQL journal groups appends (bound from <c>FleetTwins:Journal</c> by the host).</summary>
public sealed class PostgresJournalOptions
{
    /// <summary>The most records appended in one statement (one commit).</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>How many such statements may run at once, each on a connection of its own.</summary>
    public int MaxConcurrentBatches { get; set; } = 2;
}
