using FleetTwins.Abstractions.Fleet;

namespace FleetTwins.Search.Filters;

/// <summary>
/// What a filter means, over one record: the reference semantics the in-memory projection uses and the
/// PostgreSQL translation (SqlFilter, in FleetTwins.Postgres) must agree with. Two-valued: a comparison with a field
/// that is not set is false (also for <c>!=</c>), so <c>not</c> of it is true.
/// </summary>
public static class FilterEvaluator
{
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>
    /// Whether <paramref name="record"/> matches at <paramref name="now"/>. <paramref name="previous"/> is the record
    /// before this change, for <c>changed(field)</c> (rules); without it nothing has changed.
    /// </summary>
    public static bool Matches<T>(Filter filter, T record, DateTimeOffset now, T? previous = null)
        where T : class => filter switch
        {
            MatchAll => true,
            And a => Matches(a.Left, record, now, previous) && Matches(a.Right, record, now, previous),
            Or o => Matches(o.Left, record, now, previous) || Matches(o.Right, record, now, previous),
            Not n => !Matches(n.Inner, record, now, previous),
            Comparison c => Compare(c, Read(c.Field, record), now),
            In i => Read(i.Field, record) is { } value && i.Values.Any(v => CompareValues(value, v) == 0),
            Near near => record is VehicleSummary { Latitude: { } lat, Longitude: { } lon }
                && DistanceKm(near.Latitude, near.Longitude, lat, lon) <= near.RadiusKm,
            Inside inside => Read(inside.Geofences, record) is IReadOnlyList<string> ids && ids.Contains(inside.GeofenceId, StringComparer.Ordinal),
            Has has => Read(has.List, record) is IReadOnlyList<string> items && items.Contains(has.Value, StringComparer.Ordinal),
            Changed changed => previous is not null && !Equals(Read(changed.Field, previous), Read(changed.Field, record)),
            LocalTimeBetween window => Holds(window, now),
            WeekdayIn weekday => Holds(weekday, now),
            _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "unknown filter node"),
        };

    /// <summary>Whether the time of day of <paramref name="now"/> in the window's zone is inside it (the same for every record).</summary>
    public static bool Holds(LocalTimeBetween window, DateTimeOffset now)
    {
        var time = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, window.Zone).DateTime);
        return window.From < window.To
            ? time >= window.From && time < window.To
            : time >= window.From || time < window.To;
    }

    /// <summary>Whether the day of <paramref name="now"/> in the test's zone is one of its days (the same for every record).</summary>
    public static bool Holds(WeekdayIn weekday, DateTimeOffset now) =>
        weekday.Days.Contains(TimeZoneInfo.ConvertTime(now, weekday.Zone).DayOfWeek);

    /// <summary>The great-circle distance by the haversine formula, as the SQL translation computes it.</summary>
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        var dLat = DegreesToRadians(lat2 - lat1);
        var dLon = DegreesToRadians(lon2 - lon1);
        var a = Math.Pow(Math.Sin(dLat / 2), 2)
            + (Math.Cos(DegreesToRadians(lat1)) * Math.Cos(DegreesToRadians(lat2)) * Math.Pow(Math.Sin(dLon / 2), 2));
        return 2 * EarthRadiusKm * Math.Asin(Math.Sqrt(Math.Min(1, a)));
    }

    /// <summary>
    /// <c>offlineFor op d</c> is <c>offlineSince op' (now - d)</c> with the operator turned around; both projections
    /// compare against this same threshold.
    /// </summary>
    public static (Operator Op, DateTimeOffset Threshold) OfflineForAsTime(Operator op, TimeSpan duration, DateTimeOffset now) =>
        (Flip(op), VehicleSummary.Micros(now - duration));

    /// <summary>The operator with its sides swapped (a &lt; b is b &gt; a).</summary>
    private static Operator Flip(Operator op) => op switch
    {
        Operator.Less => Operator.Greater,
        Operator.LessOrEqual => Operator.GreaterOrEqual,
        Operator.Greater => Operator.Less,
        Operator.GreaterOrEqual => Operator.LessOrEqual,
        _ => op,
    };

    /// <summary>Orders two values of one field's type: text ordinally, numbers, times and booleans naturally.</summary>
    public static int CompareValues(object left, object right) => (left, right) switch
    {
        (string a, string b) => Math.Sign(string.CompareOrdinal(a, b)),
        (double a, double b) => a.CompareTo(b),
        (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
        (bool a, bool b) => a.CompareTo(b),
        _ => throw new InvalidOperationException($"cannot compare {left.GetType().Name} with {right.GetType().Name}"),
    };

    private static bool Compare(Comparison c, object? actual, DateTimeOffset now)
    {
        if (c.Value is null)
        {
            return c.Op == Operator.Equal ? actual is null : actual is not null;
        }

        if (actual is null)
        {
            return false;
        }

        var (op, expected) = c.Field.Type == FieldType.Duration
            ? OfflineForAsTime(c.Op, (TimeSpan)c.Value, now) is var (flipped, threshold) ? (flipped, (object)threshold) : default
            : (c.Op, c.Value is RelativeTime relative ? relative.At(now) : c.Value);
        return Holds(op, CompareValues(actual, expected));
    }

    /// <summary>The value of <paramref name="field"/> in <paramref name="record"/>; a field of another catalogue is a mistake of the caller.</summary>
    private static object? Read<T>(Field field, T record) => field is Field<T> typed
        ? typed.Read(record)
        : throw new InvalidOperationException($"'{field.Name}' is not a field of {typeof(T).Name}: the filter was parsed against another catalogue");

    private static bool Holds(Operator op, int order) => op switch
    {
        Operator.Equal => order == 0,
        Operator.NotEqual => order != 0,
        Operator.Less => order < 0,
        Operator.LessOrEqual => order <= 0,
        Operator.Greater => order > 0,
        _ => order >= 0,
    };

    private static double DegreesToRadians(double degrees) => degrees * Math.PI / 180;
}
