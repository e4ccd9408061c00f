namespace FleetTwins.Search.Filters;

/// <summary>A parsed fleet filter (see <see cref="FilterParser"/>).</summary>
public abstract record Filter
{
    /// <summary>The filter that matches every vehicle (an empty filter).</summary>
    public static readonly Filter All = new MatchAll();

    /// <summary>The conditions a vehicle is tested against: each comparison, each value of an <c>in</c>, each <c>near</c>.</summary>
    public int Conditions => this switch
    {
        And and => and.Left.Conditions + and.Right.Conditions,
        Or or => or.Left.Conditions + or.Right.Conditions,
        Not not => not.Inner.Conditions,
        In list => list.Values.Count,
        MatchAll => 0,
        _ => 1,
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
/// <see cref="DateTimeOffset"/> (whole microseconds) or <see cref="TimeSpan"/> per the field's type; null only with
/// <c>=</c> / <c>!=</c> (is / is not set).
/// </summary>
public sealed record Comparison(Field Field, Operator Op, object? Value) : Filter;

/// <summary><c>field in (v1, v2, ...)</c>: equal to any of the values.</summary>
public sealed record In(Field Field, IReadOnlyList<object> Values) : Filter;

/// <summary><c>near(latitude, longitude, radius)</c>: within <see cref="RadiusKm"/> of the point (great-circle).</summary>
public sealed record Near(double Latitude, double Longitude, double RadiusKm) : Filter;

/// <summary>A filter that is not valid, with the 1-based character position where the problem is.</summary>
public sealed class FilterException(int position, string problem) : Exception($"filter: at {position}: {problem}")
{
    public int Position { get; } = position;
}
