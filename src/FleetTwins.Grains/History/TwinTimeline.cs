using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.History;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Vehicles;

namespace FleetTwins.Grains.History;

/// <summary>
/// One twin's journal decoded for reading, pure: every accepted reading by kind in source-time order (with whether it was
/// applied or arrived late), the trips and the positions received, the notifications raised, and the changes themselves
/// (for rebuilding the twin at a moment). Records are added in sequence order, as the journal holds them.
/// </summary>
public sealed class TwinTimeline(string twinId, NotificationOptions rules)
{
    /// <summary>A journaled change as the timeline keeps it.</summary>
    public sealed record Change(long Sequence, DateTimeOffset At, TwinChange Record);

    private static readonly IComparer<HistoryPoint> SourceTimeOrder = Comparer<HistoryPoint>.Create((a, b) =>
    {
        var c = a.At.CompareTo(b.At);
        return c != 0 ? c : (c = a.Sequence.CompareTo(b.Sequence)) != 0 ? c : a.Ordinal.CompareTo(b.Ordinal);
    });

    private readonly Dictionary<string, List<HistoryPoint>> points = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Reading, string? Key), DateTimeOffset> newest = [];
    private readonly Dictionary<(string Id, string Source), TripRecord> trips = [];
    private readonly Dictionary<string, Notification> notifications = new(StringComparer.Ordinal);
    private readonly List<Change> changes = [];

    /// <summary>The twin replayed along (for the notifications it raises); null without a base to replay onto.</summary>
    private VehicleTwinState? state;

    private DateTimeOffset? seenAt;

    /// <summary>The last journal sequence added.</summary>
    public long Sequence { get; private set; }

    /// <summary>The source time the held history starts from: the first record's, or the base snapshot's.</summary>
    public DateTimeOffset? RetainedFrom { get; private set; }

    /// <summary>The changes held, in sequence order.</summary>
    public IReadOnlyList<Change> Changes => changes;

    /// <summary>
    /// Starts from <paramref name="baseState"/> (an empty twin for a journal kept from its first record, an archived
    /// snapshot otherwise, or null when neither is there: readings are still read, notifications are not replayed).
    /// </summary>
    public void Start(VehicleTwinState? baseState, long sequence)
    {
        state = baseState;
        Sequence = sequence;
        if (baseState is null)
        {
            return;
        }

        foreach (var (kind, at) in HistoryPoints.Newest(baseState))
        {
            newest[kind] = at;
        }

        seenAt = baseState.Connectivity?.At;
        foreach (var notification in baseState.Notifications)
        {
            notifications.TryAdd(notification.Id, notification);
        }
    }

    /// <summary>Adds the next journal record (its sequence, time, delivery id and decoded change).</summary>
    public void Add(long sequence, DateTimeOffset at, string? deliveryId, TwinChange change)
    {
        RetainedFrom ??= at;
        Sequence = sequence;
        changes.Add(new Change(sequence, at, change));
        if (change is DeliveryApplied delivery)
        {
            var source = delivery.Batch.Source;
            for (var ordinal = 0; ordinal < delivery.Batch.Events.Count; ordinal++)
            {
                var e = delivery.Batch.Events[ordinal];
                AddReading(e, source, sequence, ordinal, deliveryId, at);
                AddTrip(e, source);
            }
        }
        else if (change is MasterDataSet set)
        {
            // The operators' change is a masterData reading of its own, always applied: no provider reading competes with it.
            Insert(new HistoryPoint(HistoryReadings.MasterData, null, set.Now, null, null, set.Patch.Describe(), null, null, Sources.Api,
                null, true, sequence, 0, at));
        }

        if (state is null)
        {
            return;
        }

        var before = state.Notifications.Count > 0 ? state.Notifications[0].Id : null;
        state.Replay(twinId, change, rules);
        foreach (var raised in state.Notifications.TakeWhile(n => n.Id != before))
        {
            notifications.TryAdd(raised.Id, raised);
        }
    }

    /// <summary>Readings of one kind in [from, to] after <paramref name="after"/>, at most <paramref name="limit"/> (and whether more follow).</summary>
    public (IReadOnlyList<HistoryPoint> Items, bool More) Readings(string reading, DateTimeOffset from, DateTimeOffset to, HistoryPosition? after, int limit)
    {
        if (!points.TryGetValue(reading, out var list))
        {
            return ([], false);
        }

        var start = after is null ? LowerBound(list, from, 0, 0) : UpperBound(list, after);
        start = Math.Max(start, LowerBound(list, from, 0, 0));
        var items = new List<HistoryPoint>(Math.Min(limit, 256));
        var i = start;
        for (; i < list.Count && list[i].At <= to && items.Count < limit; i++)
        {
            items.Add(list[i]);
        }

        return (items, i < list.Count && list[i].At <= to);
    }

    /// <summary>Trips that started in [from, to], by start then id, after <paramref name="after"/>.</summary>
    public (IReadOnlyList<TripRecord> Items, bool More) Trips(DateTimeOffset from, DateTimeOffset to, TripPosition? after, int limit)
    {
        var ordered = trips.Values
            .Where(t => t.StartedAt >= from && t.StartedAt <= to)
            .Where(t => after is null || t.StartedAt > after.StartedAt || (t.StartedAt == after.StartedAt && string.CompareOrdinal(t.Id, after.Id) > 0))
            .OrderBy(t => t.StartedAt).ThenBy(t => t.Id, StringComparer.Ordinal)
            .Take(limit + 1).Select(Measured).ToList();
        var more = ordered.Count > limit;
        return (more ? ordered[..limit] : ordered, more);
    }

    /// <summary>The trip with this id, measured; null when none.</summary>
    public TripRecord? Trip(string tripId) =>
        trips.Values.Where(t => t.Id == tripId).OrderBy(t => t.StartedAt).Select(Measured).FirstOrDefault();

    /// <summary>The positions received with source times in the trip's span, in source-time order, paged.</summary>
    public (IReadOnlyList<HistoryPoint> Items, bool More) Track(TripRecord trip, HistoryPosition? after, int limit) =>
        Readings(HistoryReadings.Location, trip.StartedAt, trip.EndedAt ?? DateTimeOffset.MaxValue, after, limit);

    /// <summary>Notifications with source times in [from, to], by time then id, after <paramref name="after"/>.</summary>
    public (IReadOnlyList<Notification> Items, bool More) Notifications(IEnumerable<Notification> alsoKnown, DateTimeOffset from, DateTimeOffset to,
        NotificationPosition? after, int limit)
    {
        var all = new Dictionary<string, Notification>(notifications, StringComparer.Ordinal);
        foreach (var n in alsoKnown)
        {
            all.TryAdd(n.Id, n);
        }

        var ordered = all.Values
            .Where(n => n.At >= from && n.At <= to)
            .Where(n => after is null || n.At > after.At || (n.At == after.At && string.CompareOrdinal(n.Id, after.Id) > 0))
            .OrderBy(n => n.At).ThenBy(n => n.Id, StringComparer.Ordinal).Take(limit + 1).ToList();
        var more = ordered.Count > limit;
        return (more ? ordered[..limit] : ordered, more);
    }

    /// <summary>
    /// The twin as it was at <paramref name="at"/>: <paramref name="snapshot"/> (taken at or before it, holding the journal
    /// up to <paramref name="snapshotSequence"/>) with every held change after it made at or before <paramref name="at"/>.
    /// Null when the held changes do not reach back to the snapshot.
    /// </summary>
    public VehicleTwinState? StateAt(VehicleTwinState snapshot, long snapshotSequence, DateTimeOffset at)
    {
        if (snapshotSequence < Sequence && (changes.Count == 0 || changes[0].Sequence > snapshotSequence + 1))
        {
            return null;
        }

        var from = changes.FindIndex(c => c.Sequence > snapshotSequence);
        for (var i = from < 0 ? changes.Count : from; i < changes.Count && changes[i].At <= at; i++)
        {
            snapshot.Replay(twinId, changes[i].Record, rules);
            snapshot.JournalSequence = changes[i].Sequence;
        }

        return snapshot;
    }

    private void AddReading(VehicleEvent e, string source, long sequence, int ordinal, string? deliveryId, DateTimeOffset receivedAt)
    {
        if (HistoryPoints.Sees(e, source) && (seenAt is null || e.At > seenAt))
        {
            // Any reading counts as connected (VehicleTwinState.Seen): a disconnect older than it is late.
            seenAt = e.At;
            newest[(HistoryReadings.Connectivity, null)] = e.At;
        }

        if (HistoryPoints.Of(e, source) is not { } point)
        {
            return;
        }

        var kind = (point.Reading, point.Key);
        var applied = HistoryPoints.AlwaysApplied(point.Reading) || !newest.TryGetValue(kind, out var current) || e.At >= current;
        if (applied && !HistoryPoints.AlwaysApplied(point.Reading))
        {
            newest[kind] = e.At;
        }

        if (e is ConnectivityReported && applied)
        {
            seenAt = seenAt is null || e.At > seenAt ? e.At : seenAt;
        }

        Insert(point with { DeliveryId = deliveryId, Applied = applied, Sequence = sequence, Ordinal = ordinal, ReceivedAt = receivedAt });
    }

    /// <summary>Adds a point to its kind's list, in source-time order.</summary>
    private void Insert(HistoryPoint point)
    {
        if (!points.TryGetValue(point.Reading, out var list))
        {
            points[point.Reading] = list = [];
        }

        if (list.Count == 0 || SourceTimeOrder.Compare(list[^1], point) <= 0)
        {
            list.Add(point);
        }
        else
        {
            var index = list.BinarySearch(point, SourceTimeOrder);
            list.Insert(index < 0 ? ~index : index, point);
        }
    }

    private void AddTrip(VehicleEvent e, string source)
    {
        switch (e)
        {
            case TripStarted started:
                var key = (started.TripId, source);
                trips[key] = trips.TryGetValue(key, out var known)
                    ? known with { StartedAt = started.At }
                    : new TripRecord(started.TripId, source, started.At, null, null, null, null, null, 0);
                break;
            case TripEnded ended:
                var endKey = (ended.TripId, source);
                var previous = trips.GetValueOrDefault(endKey);
                trips[endKey] = new TripRecord(ended.TripId, source, ended.StartedAt ?? previous?.StartedAt ?? ended.At, ended.At,
                    ended.DistanceKm ?? previous?.DistanceKm, previous?.EnergyUsedKwh, previous?.SocStart, previous?.SocEnd, 0);
                break;
            case JourneyRecorded journey:
                trips[(journey.JourneyId, source)] = new TripRecord(journey.JourneyId, source, journey.StartedAt, journey.EndedAt,
                    journey.DistanceKm ?? (journey.OdometerEndKm - journey.OdometerStartKm), journey.EnergyUsedKwh, journey.SocStart, journey.SocEnd, 0);
                break;
            case TripDiscarded discarded:
                trips.Remove((discarded.TripId, source));
                break;
        }
    }

    /// <summary>A trip with what the readings say of it where the provider did not: SOC, energy, distance, positions.</summary>
    private TripRecord Measured(TripRecord trip)
    {
        var end = trip.EndedAt ?? DateTimeOffset.MaxValue;
        var (track, _) = Readings(HistoryReadings.Location, trip.StartedAt, end, null, int.MaxValue);
        var socStart = trip.SocStart ?? ValueAt(HistoryReadings.StateOfCharge, trip.StartedAt, end, first: true);
        var socEnd = trip.SocEnd ?? ValueAt(HistoryReadings.StateOfCharge, trip.StartedAt, end, first: false);
        var energyStart = ValueAt(HistoryReadings.EnergyRemaining, trip.StartedAt, end, first: true);
        var energyEnd = ValueAt(HistoryReadings.EnergyRemaining, trip.StartedAt, end, first: false);
        var odometerStart = ValueAt(HistoryReadings.Odometer, trip.StartedAt, end, first: true);
        var odometerEnd = ValueAt(HistoryReadings.Odometer, trip.StartedAt, end, first: false);
        var distance = trip.DistanceKm ?? (odometerEnd - odometerStart) ?? (track.Count > 1 ? Length(track) : null);
        return trip with
        {
            SocStart = socStart,
            SocEnd = socEnd,
            EnergyUsedKwh = trip.EnergyUsedKwh ?? (energyStart - energyEnd),
            DistanceKm = distance,
            Positions = track.Count,
        };
    }

    /// <summary>The first (or last) reading of a kind within [from, to]; the last before <paramref name="from"/> stands in for a missing first.</summary>
    private double? ValueAt(string reading, DateTimeOffset from, DateTimeOffset to, bool first)
    {
        if (!points.TryGetValue(reading, out var list) || list.Count == 0)
        {
            return null;
        }

        var start = LowerBound(list, from, 0, 0);
        var end = start;
        while (end < list.Count && list[end].At <= to)
        {
            end++;
        }

        if (first)
        {
            return start < end && list[start].At == from ? list[start].Value
                : start > 0 ? list[start - 1].Value
                : start < end ? list[start].Value : null;
        }

        return end > start ? list[end - 1].Value : null;
    }

    /// <summary>The track's length in km along great circles.</summary>
    public static double Length(IReadOnlyList<HistoryPoint> track)
    {
        var km = 0.0;
        for (var i = 1; i < track.Count; i++)
        {
            km += Haversine(track[i - 1].Latitude!.Value, track[i - 1].Longitude!.Value, track[i].Latitude!.Value, track[i].Longitude!.Value);
        }

        return km;
    }

    private static double Haversine(double lat1, double lon1, double lat2, double lon2)
    {
        const double EarthKm = 6371.0088;
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>The first index whose point is at or after (at, sequence, ordinal).</summary>
    private static int LowerBound(List<HistoryPoint> list, DateTimeOffset at, long sequence, int ordinal)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var p = list[mid];
            var before = p.At < at || (p.At == at && (p.Sequence < sequence || (p.Sequence == sequence && p.Ordinal < ordinal)));
            if (before)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>The first index whose point comes after <paramref name="position"/>.</summary>
    private static int UpperBound(List<HistoryPoint> list, HistoryPosition position) =>
        LowerBound(list, position.At, position.Sequence, position.Ordinal + 1);
}
