namespace FleetTwins.Persistence.Options;

/// <summary><c>FleetTwins:Journal</c>, the storage's side: how long journal records are kept, and how they are trimmed.</summary>
public sealed class JournalOptions
{
    public const string Section = "FleetTwins:Journal";

    /// <summary>
    /// Records older than this are deleted once a snapshot holds them (never before: the journal is the truth for what
    /// no snapshot covers); within it, they are the twin's history.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The most records one deletion statement removes (retention runs in bounded batches).</summary>
    public int DeleteBatchSize { get; set; } = 5_000;

    /// <summary>How often retention looks for records to delete.</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromMinutes(5);
}
