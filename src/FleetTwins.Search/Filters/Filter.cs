using FleetTwins.Abstractions.Fleet;

namespace FleetTwins.Search.Filters;

/// <summary>A parsed filter (see <see cref="FilterParser"/>).</summary>
public abstract record Filter
{
    /// <summary>The filter that matches every record (an empty filter).</summary>
    public static readonly Filter All = new MatchAll();

    /// <summary>
    /// The conditions a record is tested against: each comparison, each value of an <c>in</c>, each <c>near</c>,
    /// <c>inside</c>, <c>has</c>, <c>changed</c>, <c>localTime</c> window and each day of a <c>weekday</c> test.
    /// </summary>
    public int Conditions => this switch
    {
        And and => and.Left.Conditions + and.Right.Conditions,
        Or or => or.Left.Conditions + or.Right.Conditions,
        Not not => not.Inner.Conditions,
        In list => list.Values.Count,
        WeekdayIn weekday => weekday.Days.Count,
        MatchAll => 0,
        Comparison or Near or Inside or Has or Changed or LocalTimeBetween => 1,
        _ => throw new InvalidOperationException($"a filter node without a cost: {GetType().Name}"),
    };
}

public sealed record MatchAll : Filter;

public sealed record And(Filter Left, Filter Right) : Filter;

public sealed record Or(Filter Left, Filter Right) : Filter;

public sealed record Not(Filter Inner) : Filter;

public enum Operator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>
/// <c>field op value</c>. <see cref="Value"/> is a <see cref="string"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see cref="DateTimeOffset"/> (whole microseconds), <see cref="RelativeTime"/> (<c>now() - 10m</c>) or
/// <see cref="TimeSpan"/> per the field's type; null only with <c>=</c> / <c>!=</c> (is / is not set).
/// </summary>
public sealed record Comparison(Field Field, Operator Op, object? Value) : Filter;

/// <summary><c>now() + Offset</c>: a time the evaluation's "now" fixes (the request time, a reading's time for rules).</summary>
public sealed record RelativeTime(TimeSpan Offset)
{
    /// <summary>The time at <paramref name="now"/>, in whole microseconds as every time value.</summary>
    public DateTimeOffset At(DateTimeOffset now) => VehicleSummary.Micros(now + Offset);
}

/// <summary><c>field in (v1, v2, ...)</c>: equal to any of the values.</summary>
public sealed record In(Field Field, IReadOnlyList<object> Values) : Filter;

/// <summary><c>near(latitude, longitude, radius)</c>: within <see cref="RadiusKm"/> of the point (great-circle).</summary>
public sealed record Near(double Latitude, double Longitude, double RadiusKm) : Filter;

/// <summary><c>inside(id)</c>: the record's <see cref="FieldType.TextList"/> field <see cref="Geofences"/> lists <see cref="GeofenceId"/>.</summary>
public sealed record Inside(Field Geofences, string GeofenceId) : Filter;

/// <summary><c>tags has "depot-a"</c>: the record's <see cref="FieldType.TextList"/> field <see cref="List"/> holds <see cref="Value"/>.</summary>
public sealed record Has(Field List, string Value) : Filter;

/// <summary>
/// <c>changed(field)</c>: the field differs from the previous state's (rules only: search has no previous state,
/// so the parser refuses it outside rules and the SQL translation refuses it always). <see cref="Position"/> is where
/// it was written, for that refusal.
/// </summary>
public sealed record Changed(Field Field, int Position) : Filter;

/// <summary>
/// <c>localTime between From and To</c>: the time of day of "now" in <see cref="Zone"/> is in [From, To); a window
/// with To before From wraps midnight.
/// </summary>
public sealed record LocalTimeBetween(TimeOnly From, TimeOnly To, TimeZoneInfo Zone) : Filter;

/// <summary><c>weekday in (sat, sun)</c>: the day of "now" in <see cref="Zone"/> is one of <see cref="Days"/>.</summary>
public sealed record WeekdayIn(IReadOnlyList<DayOfWeek> Days, TimeZoneInfo Zone) : Filter;

/// <summary>A filter that is not valid, with the 1-based character position where the problem is.</summary>
public sealed class FilterException(int position, string problem) : Exception($"filter: at {position}: {problem}")
{
    public int Position { get; } = position;
}
