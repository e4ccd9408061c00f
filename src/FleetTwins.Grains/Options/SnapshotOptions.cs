namespace FleetTwins.Grains.Options;

/// <summary>
/// <c>FleetTwins:Journal</c>, the twins' side: how often a twin writes its whole state (a snapshot) besides the
/// journal record of every change. Never on the path of an acknowledgement: in the background, every
/// <see cref="SnapshotEvery"/> changes or <see cref="SnapshotInterval"/> after the first unsnapshotted one, and when
/// the twin deactivates. The storage's side (<c>Retention</c>) is the persistence package's.
/// </summary>
public sealed class SnapshotOptions
{
    public const string Section = "FleetTwins:Journal";

    /// <summary>Changes after which a snapshot is written (activation replays at most about this many).</summary>
    public int SnapshotEvery { get; set; } = 100;

    /// <summary>How long a twin with unsnapshotted changes waits before writing a snapshot.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(30);
}
