using System.Collections.Immutable;

namespace FleetTwins.Grains.Geofences;

/// <summary>A position of the twin, in WGS 84 degrees, at its source time.</summary>
[GenerateSerializer, Immutable, Alias("ft.grains.GeofencePosition")]
public sealed record GeofencePosition(
    [property: Id(0)] double Latitude,
    [property: Id(1)] double Longitude,
    [property: Id(2)] DateTimeOffset At);

/// <summary>
/// Where a twin stands with one geofence: <see cref="Inside"/> as last confirmed, and a change under way when
/// <see cref="Candidate"/> is set (entering when outside, leaving when inside): where and when it began, and when it is
/// confirmed (<see cref="Due"/>: the candidate's time plus the geofence's minimum dwell as it was then).
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.grains.GeofenceMembershipEntry")]
public sealed record GeofenceMembershipEntry(
    [property: Id(0)] bool Inside,
    [property: Id(1)] string Name,
    [property: Id(2)] GeofencePosition? Candidate,
    [property: Id(3)] DateTimeOffset? Due);

/// <summary>
/// A twin's geofence membership, kept in its state: an entry per geofence it is inside or entering (none for the
/// others), and the last position decided, so that an older one decides nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.grains.GeofenceMembership")]
public sealed record GeofenceMembership
{
    public static GeofenceMembership Empty { get; } = new();

    [Id(0)] public ImmutableDictionary<string, GeofenceMembershipEntry> Entries { get; init; } = ImmutableDictionary<string, GeofenceMembershipEntry>.Empty;

    [Id(1)] public GeofencePosition? Last { get; init; }

    /// <summary>The geofences the twin is inside (confirmed), in id order: the twin's <c>geofences</c>.</summary>
    public IReadOnlyList<string> Inside => [.. Entries.Where(e => e.Value.Inside).Select(e => e.Key).Order(StringComparer.Ordinal)];
}

/// <summary>Whether a transition entered or left its geofence.</summary>
public enum GeofenceTransitionKind
{
    Entered,
    Exited,
}

/// <summary>
/// A confirmed crossing: the geofence (and its name then), entered or left, when and where the crossing began (the
/// first position past the border), and why (<see cref="GeofenceTracker.Dwelled"/> or <see cref="GeofenceTracker.Deleted"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.grains.GeofenceTransition")]
public sealed record GeofenceTransition(
    [property: Id(0)] string GeofenceId,
    [property: Id(1)] string Name,
    [property: Id(2)] GeofenceTransitionKind Kind,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] double Latitude,
    [property: Id(5)] double Longitude,
    [property: Id(6)] string Reason);

/// <summary>One entry's new value; a null <see cref="Entry"/> removes it (outside, nothing under way).</summary>
[GenerateSerializer, Immutable, Alias("ft.grains.GeofenceMembershipChange")]
public sealed record GeofenceMembershipChange(
    [property: Id(0)] string GeofenceId,
    [property: Id(1)] GeofenceMembershipEntry? Entry);

/// <summary>
/// What one decision changes, complete in itself: <see cref="GeofenceTracker.Apply"/> replays it without the geofences
/// (which may have changed since). <see cref="Position"/> is the position decided (the membership's new last one),
/// null for a decision on the timer.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.grains.GeofenceDecision")]
public sealed record GeofenceDecision(
    [property: Id(0)] IReadOnlyList<GeofenceMembershipChange> Changes,
    [property: Id(1)] IReadOnlyList<GeofenceTransition> Transitions,
    [property: Id(2)] GeofencePosition? Position)
{
    /// <summary>Nothing to apply: an old position, or a timer with nothing due.</summary>
    public static GeofenceDecision None { get; } = new([], [], null);

    public bool IsNone => Changes.Count == 0 && Transitions.Count == 0 && Position is null;
}
