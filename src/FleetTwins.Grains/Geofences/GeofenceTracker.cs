namespace FleetTwins.Grains.Geofences;

/// <summary>
/// Geofence membership of one twin, debounced (pure): entering needs the twin inside for the geofence's minimum dwell
/// of source time, leaving needs it beyond the exit buffer of the border for as long, and a crossing back in the
/// meantime cancels the change. <see cref="Decide"/> reads the catalog; <see cref="Apply"/> does not, so a journaled
/// decision replays the same whatever the geofences became.
/// </summary>
public static class GeofenceTracker
{
    /// <summary>A transition's reason: the twin stayed past the border for the minimum dwell.</summary>
    public const string Dwelled = "dwell";

    /// <summary>A transition's reason: the geofence was deleted while the twin was inside.</summary>
    public const string Deleted = "deleted";

    /// <summary>
    /// What a new <paramref name="position"/> (or, with none, the timer at <paramref name="now"/>) changes. A position
    /// older than the last decided one, a timer before anything was decided and a catalog not loaded yet decide nothing.
    /// A timer only confirms changes under way whose dwell ended by <paramref name="now"/>; any decision leaves
    /// geofences the catalog no longer has.
    /// </summary>
    public static GeofenceDecision Decide(GeofenceMembership membership, GeofencePosition? position, DateTimeOffset now, GeofenceIndex catalog)
    {
        var where = position ?? membership.Last;
        if (catalog.Version < 0 || where is null || (position is not null && membership.Last is { } last && position.At < last.At))
        {
            return GeofenceDecision.None;
        }

        var decision = new Builder();
        var at = position?.At ?? now;
        foreach (var (id, entry) in membership.Entries.Where(e => catalog.Find(e.Key) is null))
        {
            decision.Change(id, null);
            if (entry.Inside)
            {
                decision.Transition(id, entry.Name, GeofenceTransitionKind.Exited, at, where, Deleted);
            }
        }

        if (position is null)
        {
            foreach (var (id, entry) in membership.Entries.Where(e => e.Value.Due <= now && catalog.Find(e.Key) is not null))
            {
                Confirm(decision, id, entry);
            }
        }
        else
        {
            DecidePosition(decision, membership, position, catalog);
        }

        return decision.Build(position);
    }

    /// <summary>The membership after <paramref name="decision"/> (pure; reads nothing else).</summary>
    public static GeofenceMembership Apply(GeofenceMembership membership, GeofenceDecision decision)
    {
        if (decision.IsNone)
        {
            return membership;
        }

        var entries = membership.Entries.ToBuilder();
        foreach (var change in decision.Changes)
        {
            if (change.Entry is null)
            {
                entries.Remove(change.GeofenceId);
            }
            else
            {
                entries[change.GeofenceId] = change.Entry;
            }
        }

        return membership with { Entries = entries.ToImmutable(), Last = decision.Position ?? membership.Last };
    }

    /// <summary>When a silent twin should decide again (the earliest dwell to end), or null when no change is under way.</summary>
    public static DateTimeOffset? NextDue(GeofenceMembership membership) => membership.Entries.Values.Min(e => e.Due);

    private static void DecidePosition(Builder decision, GeofenceMembership membership, GeofencePosition position, GeofenceIndex catalog)
    {
        var containing = catalog.Containing(position.Latitude, position.Longitude);
        foreach (var geofence in containing.Where(g => !membership.Entries.ContainsKey(g.Id)))
        {
            if (geofence.MinDwell <= TimeSpan.Zero)
            {
                decision.Change(geofence.Id, new GeofenceMembershipEntry(true, geofence.Name, null, null));
                decision.Transition(geofence.Id, geofence.Name, GeofenceTransitionKind.Entered, position.At, position, Dwelled);
            }
            else
            {
                decision.Change(geofence.Id, new GeofenceMembershipEntry(false, geofence.Name, position, position.At + geofence.MinDwell));
            }
        }

        foreach (var (id, entry) in membership.Entries)
        {
            if (catalog.Find(id) is not { } geofence)
            {
                continue;
            }

            var inside = containing.Any(g => g.Id == id);
            if (!entry.Inside)
            {
                if (!inside)
                {
                    decision.Change(id, null); // back out within the dwell: the entry was jitter
                }
                else if (position.At >= entry.Due)
                {
                    Confirm(decision, id, entry);
                }

                continue;
            }

            var beyond = !inside && catalog.DistanceToBorderMeters(id, position.Latitude, position.Longitude) > geofence.ExitBufferMeters;
            if (!beyond)
            {
                if (entry.Candidate is not null)
                {
                    decision.Change(id, entry with { Candidate = null, Due = null }); // back within the buffer: not leaving
                }
            }
            else if (entry.Candidate is null)
            {
                if (geofence.MinDwell <= TimeSpan.Zero)
                {
                    decision.Change(id, null);
                    decision.Transition(id, geofence.Name, GeofenceTransitionKind.Exited, position.At, position, Dwelled);
                }
                else
                {
                    decision.Change(id, entry with { Candidate = position, Due = position.At + geofence.MinDwell });
                }
            }
            else if (position.At >= entry.Due)
            {
                Confirm(decision, id, entry);
            }
        }
    }

    /// <summary>The change under way in <paramref name="entry"/> happened, at the time and place it began.</summary>
    private static void Confirm(Builder decision, string id, GeofenceMembershipEntry entry)
    {
        var candidate = entry.Candidate!;
        if (entry.Inside)
        {
            decision.Change(id, null);
            decision.Transition(id, entry.Name, GeofenceTransitionKind.Exited, candidate.At, candidate, Dwelled);
        }
        else
        {
            decision.Change(id, new GeofenceMembershipEntry(true, entry.Name, null, null));
            decision.Transition(id, entry.Name, GeofenceTransitionKind.Entered, candidate.At, candidate, Dwelled);
        }
    }

    /// <summary>A decision being made: changes and transitions in geofence id order, so the same input decides the same record.</summary>
    private sealed class Builder
    {
        private readonly SortedDictionary<string, GeofenceMembershipEntry?> changes = new(StringComparer.Ordinal);
        private readonly List<GeofenceTransition> transitions = [];

        public void Change(string id, GeofenceMembershipEntry? entry) => changes[id] = entry;

        public void Transition(string id, string name, GeofenceTransitionKind kind, DateTimeOffset at, GeofencePosition where, string reason) =>
            transitions.Add(new GeofenceTransition(id, name, kind, at, where.Latitude, where.Longitude, reason));

        public GeofenceDecision Build(GeofencePosition? position) => changes.Count == 0 && transitions.Count == 0 && position is null
            ? GeofenceDecision.None
            : new GeofenceDecision(
                [.. changes.Select(c => new GeofenceMembershipChange(c.Key, c.Value))],
                [.. transitions.OrderBy(t => t.GeofenceId, StringComparer.Ordinal).ThenBy(t => t.At)],
                position);
    }
}
