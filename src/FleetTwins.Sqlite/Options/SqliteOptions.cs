namespace FleetTwins.Sqlite.Options;

/// <summary>The SQLite data file and how it is written (the host binds <c>FleetTwins:DataPath</c> and <c>FleetTwins:Sqlite</c>).</summary>
public sealed class SqliteOptions
{
    /// <summary>The value of <see cref="DataPath"/> that keeps nothing on disk (the host then uses the in-process storage).</summary>
    public const string InMemory = ":memory:";

    /// <summary>The data file; relative paths are relative to the working directory. Its folder is created when missing.</summary>
    public string DataPath { get; set; } = "./data/fleettwins.db";

    /// <summary>
    /// <c>PRAGMA synchronous</c> of the writer. <see cref="SqliteSynchronous.Full"/> (the default) syncs the write-ahead log
    /// on every commit: what was acknowledged survives a process kill and a power loss. <see cref="SqliteSynchronous.Normal"/>
    /// syncs only at checkpoints: it survives a process kill, but the last commits before a power loss or an OS crash
    /// may be lost (the file stays consistent).
    /// </summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>
    /// Whether the file is checked with <c>PRAGMA quick_check</c> at start (a damaged file is refused with advice rather
    /// than served). It reads the whole file: about a second per GiB on a local SSD.
    /// </summary>
    public bool CheckAtStart { get; set; } = true;

    /// <summary>The most writes (of every kind: states, journal records, reminders) committed in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 1024;
}

/// <summary>The writer's <c>PRAGMA synchronous</c>: what a commit waits for.</summary>
public enum SqliteSynchronous
{
    /// <summary>The write-ahead log is synced at every commit: durable against power loss.</summary>
    Full,

    /// <summary>The write-ahead log is synced at checkpoints only: durable against a process crash, not a power loss.</summary>
    Normal,
}
