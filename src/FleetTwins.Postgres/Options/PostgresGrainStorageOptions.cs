namespace FleetTwins.Postgres.Options;

/// <summary>How the PostgreSQL grain storage groups writes (bound from <c>FleetTwins:Storage</c> by the host).</summary>
public sealed class PostgresGrainStorageOptions
{
    /// <summary>The most grain states written in one statement (one commit).</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>How many such statements may run at once, each on a connection of its own.</summary>
    public int MaxConcurrentBatches { get; set; } = 2;
}
