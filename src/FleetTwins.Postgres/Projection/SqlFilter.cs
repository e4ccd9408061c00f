using System.Globalization;
using System.Text;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;
using Npgsql;
using NpgsqlTypes;

namespace FleetTwins.Postgres.Projection;

/// <summary>
/// Translates a filter, an order and a cursor into a PostgreSQL <c>WHERE</c> / <c>ORDER BY</c> with the same meaning
/// as <see cref="FilterEvaluator"/>. Every value is a parameter; column names come only from the fields' catalogue.
/// Each comparison is wrapped in <c>coalesce(..., false)</c> so SQL's three-valued logic never leaks through a
/// <c>not</c>. What depends on "now" alone (<c>localTime</c>, <c>weekday</c>) is decided here, as a parameter.
/// </summary>
internal sealed class SqlFilter
{
    private readonly StringBuilder sql = new();

    public List<NpgsqlParameter> Parameters { get; } = [];

    public override string ToString() => sql.ToString();

    public static SqlFilter Where(Filter filter, DateTimeOffset now)
    {
        var builder = new SqlFilter();
        builder.Append(filter, now);
        return builder;
    }

    /// <summary>Adds <c>AND</c> the keyset condition "after the cursor's position in this order".</summary>
    public void AppendAfter(SortOrder sort, PageCursor after)
    {
        var column = Quote(sort.Field.Column);
        var greater = sort.Descending ? "<" : ">";
        sql.Append(" AND (");
        if (after.Value is null)
        {
            sql.Append($"{column} IS NULL AND {Quote("id")} > {Parameter(after.Id, FieldType.Text)}");
        }
        else
        {
            var value = Parameter(after.Value, sort.Field.Type);
            sql.Append($"{column} {greater} {value} OR ({column} = {value} AND {Quote("id")} > {Parameter(after.Id, FieldType.Text)}) OR {column} IS NULL");
        }

        sql.Append(')');
    }

    public static string OrderBy(SortOrder sort) =>
        $"{Quote(sort.Field.Column)} {(sort.Descending ? "DESC" : "ASC")} NULLS LAST, {Quote("id")} ASC";

    private void Append(Filter filter, DateTimeOffset now)
    {
        switch (filter)
        {
            case MatchAll:
                sql.Append("TRUE");
                break;
            case And a:
                Binary(a.Left, "AND", a.Right, now);
                break;
            case Or o:
                Binary(o.Left, "OR", o.Right, now);
                break;
            case Not n:
                sql.Append("(NOT ");
                Append(n.Inner, now);
                sql.Append(')');
                break;
            case Comparison c:
                AppendComparison(c, now);
                break;
            case In i:
                sql.Append($"coalesce({Quote(i.Field.Column)} IN ({string.Join(", ", i.Values.Select(v => Parameter(v, i.Field.Type)))}), false)");
                break;
            case Near near:
                AppendNear(near);
                break;
            case Inside inside:
                // Containment, which the GIN index of the column serves.
                sql.Append($"coalesce({Quote(inside.Geofences.Column)} @> ARRAY[{Parameter(inside.GeofenceId, FieldType.Text)}], false)");
                break;
            case Has has:
                sql.Append($"coalesce({Quote(has.List.Column)} @> ARRAY[{Parameter(has.Value, FieldType.Text)}], false)");
                break;
            case LocalTimeBetween window:
                sql.Append(Parameter(FilterEvaluator.Holds(window, now), FieldType.Boolean));
                break;
            case WeekdayIn weekday:
                sql.Append(Parameter(FilterEvaluator.Holds(weekday, now), FieldType.Boolean));
                break;
            case Changed changed:
                throw new FilterException(changed.Position, "changed() is only for rules: a search has no previous state to compare with");
            default:
                throw new ArgumentOutOfRangeException(nameof(filter), filter, "unknown filter node");
        }
    }

    private void Binary(Filter left, string op, Filter right, DateTimeOffset now)
    {
        sql.Append('(');
        Append(left, now);
        sql.Append($" {op} ");
        Append(right, now);
        sql.Append(')');
    }

    private void AppendComparison(Comparison c, DateTimeOffset now)
    {
        var column = Quote(c.Field.Column);
        if (c.Value is null)
        {
            sql.Append($"({column} IS {(c.Op == Operator.Equal ? "" : "NOT ")}NULL)");
            return;
        }

        var (op, value, type) = c.Field.Type == FieldType.Duration
            ? FilterEvaluator.OfflineForAsTime(c.Op, (TimeSpan)c.Value, now) is var (flipped, threshold) ? (flipped, (object)threshold, FieldType.Time) : default
            : (c.Op, c.Value is RelativeTime relative ? relative.At(now) : c.Value, c.Field.Type);
        sql.Append($"coalesce({column} {Symbol(op)} {Parameter(value, type)}, false)");
    }

    /// <summary>
    /// Haversine written term for term as <see cref="FilterEvaluator.DistanceKm"/>, behind a latitude band the
    /// latitude index can serve (a degree of latitude is never shorter than 110.5 km).
    /// </summary>
    private void AppendNear(Near near)
    {
        var lat = Parameter(near.Latitude, FieldType.Number);
        var lon = Parameter(near.Longitude, FieldType.Number);
        var radius = Parameter(near.RadiusKm, FieldType.Number);
        var band = Parameter((near.RadiusKm / 110.5) + 1e-6, FieldType.Number);
        sql.Append($"coalesce(\"latitude\" BETWEEN {lat} - {band} AND {lat} + {band} AND ")
            .Append($"2 * {FilterEvaluator.EarthRadiusKm.ToString(CultureInfo.InvariantCulture)} * asin(sqrt(least(1, ")
            .Append($"power(sin(((\"latitude\" - {lat}) * pi() / 180) / 2), 2) + ")
            .Append($"cos({lat} * pi() / 180) * cos(\"latitude\" * pi() / 180) * power(sin(((\"longitude\" - {lon}) * pi() / 180) / 2), 2)")
            .Append($"))) <= {radius}, false)");
    }

    private string Parameter(object value, FieldType type)
    {
        var parameter = type switch
        {
            FieldType.Text => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (string)value },
            FieldType.Number => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double, Value = (double)value },
            FieldType.Boolean => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = (bool)value },
            FieldType.Time => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = ((DateTimeOffset)value).UtcDateTime },
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no parameter type"),
        };
        parameter.ParameterName = $"p{Parameters.Count}";
        Parameters.Add(parameter);
        return "@" + parameter.ParameterName;
    }

    private static string Symbol(Operator op) => op switch
    {
        Operator.Equal => "=",
        Operator.NotEqual => "<>",
        Operator.Less => "<",
        Operator.LessOrEqual => "<=",
        Operator.Greater => ">",
        _ => ">=",
    };

    private static string Quote(string column) => $"\"{column}\"";
}
