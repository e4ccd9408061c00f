using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;

namespace FleetTwins.Search.Tests;

/// <summary>
/// The answer both projections are checked against, written here from docs/SEARCH.md over the summaries' plain
/// values: every vehicle tested, fields read by their documented names, its own comparisons, distance and order.
/// It uses nothing of <c>FilterEvaluator</c>, <c>Field.Read</c> or <c>SortOrder.Compare</c> — the code the in-memory
/// projection runs — so a mistake there shows as a difference instead of agreeing with itself.
/// </summary>
public static class BruteForce
{
    /// <summary>The mean Earth radius (IUGG), with which docs/SEARCH.md's "great circle" distance is computed.</summary>
    private const double EarthRadiusKm = 6371.0088;

    /// <summary>The ids of every matching vehicle, in the documented order: set values first in the direction, unset last, ties by id.</summary>
    public static List<string> Search(IEnumerable<VehicleSummary> fleet, Filter filter, SortOrder sort, DateTimeOffset now)
    {
        var matching = fleet.Where(v => Matches(filter, v, now)).ToList();
        matching.Sort((a, b) =>
        {
            var (x, y) = (Value(sort.Field.Name, a), Value(sort.Field.Name, b));
            var order = (x, y) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                _ => sort.Descending ? -Order(x, y) : Order(x, y),
            };
            return order != 0 ? order : Math.Sign(string.CompareOrdinal(a.Id, b.Id));
        });
        return [.. matching.Select(v => v.Id)];
    }

    /// <summary>Count, online, average SOC and the count per charging state ("UNKNOWN" when none) of the matching vehicles.</summary>
    public static (long Count, long Online, double? AverageSoc, SortedDictionary<string, long> ByCharging) Aggregate(
        IEnumerable<VehicleSummary> fleet, Filter filter, DateTimeOffset now)
    {
        long count = 0, online = 0, socs = 0;
        double socSum = 0;
        var byCharging = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var v in fleet.Where(v => Matches(filter, v, now)))
        {
            count++;
            online += v.Online ? 1 : 0;
            if (v.Soc is { } soc)
            {
                socs++;
                socSum += soc;
            }

            var state = v.Charging ?? "UNKNOWN";
            byCharging[state] = byCharging.GetValueOrDefault(state) + 1;
        }

        return (count, online, socs == 0 ? null : socSum / socs, byCharging);
    }

    public static bool Matches(Filter filter, VehicleSummary v, DateTimeOffset now) => filter switch
    {
        MatchAll => true,
        And and => Matches(and.Left, v, now) && Matches(and.Right, v, now),
        Or or => Matches(or.Left, v, now) || Matches(or.Right, v, now),
        Not not => !Matches(not.Inner, v, now),
        Comparison c => Holds(c, v, now),
        // "equal to any of the values"; a vehicle without the field matches none.
        In @in => Value(@in.Field.Name, v) is { } actual && @in.Values.Any(value => Order(actual, value) == 0),
        Near near => v.Latitude is { } lat && v.Longitude is { } lon && Haversine(near.Latitude, near.Longitude, lat, lon) <= near.RadiusKm,
        Inside inside => v.Geofences.Contains(inside.GeofenceId),
        // `tags has x`: the vehicle's tags hold x, exactly.
        Has has => has.List.Name == "tags" ? v.Tags.Contains(has.Value) : throw new ArgumentOutOfRangeException(nameof(filter), has.List.Name, "a list docs/SEARCH.md does not list"),
        // From included, to excluded; a window whose end is before its start runs over midnight.
        LocalTimeBetween window => TimeOfDay(now, window.Zone) is var t && (window.From < window.To
            ? window.From <= t && t < window.To
            : window.From <= t || t < window.To),
        WeekdayIn weekday => weekday.Days.Contains(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(now, weekday.Zone.Id).DayOfWeek),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "a filter node the brute force does not know"),
    };

    private static bool Holds(Comparison c, VehicleSummary v, DateTimeOffset now)
    {
        var actual = c.Field.Name == "offlineFor"
            ? v.OfflineSince is { } since ? now - since : null // how long offline now; unset while online
            : Value(c.Field.Name, v);
        if (c.Value is null)
        {
            // `= null` / `!= null`: is / is not set.
            return c.Op == Operator.Equal ? actual is null : actual is not null;
        }

        if (actual is null)
        {
            return false; // an unset field matches no comparison, != included
        }

        // now() - 10m: a time the request's now fixes.
        var order = Order(actual, c.Value is RelativeTime relative ? now + relative.Offset : c.Value);
        return c.Op switch
        {
            Operator.Equal => order == 0,
            Operator.NotEqual => order != 0,
            Operator.Less => order < 0,
            Operator.LessOrEqual => order <= 0,
            Operator.Greater => order > 0,
            Operator.GreaterOrEqual => order >= 0,
            _ => throw new ArgumentOutOfRangeException(nameof(c), c.Op, "an operator the brute force does not know"),
        };
    }

    /// <summary>A field's value by its documented name (docs/SEARCH.md's table), null when the vehicle has none.</summary>
    private static object? Value(string field, VehicleSummary v) => field switch
    {
        "id" => v.Id,
        "vin" => v.Vin,
        "make" => v.Make,
        "model" => v.Model,
        "name" => v.Name,
        "plate" => v.Plate,
        "group" => v.Group,
        "online" => v.Online,
        "rental" => v.Rental,
        "soc" => v.Soc,
        "range" => v.Range,
        "odometer" => v.Odometer,
        "latitude" => v.Latitude,
        "longitude" => v.Longitude,
        "alerts" => (double)v.Alerts,
        "highAlerts" => (double)v.HighAlerts,
        "charging" => v.Charging,
        "plug" => v.Plug,
        "lastSeenAt" => v.LastSeenAt,
        "offlineSince" => v.OfflineSince,
        "updatedAt" => v.UpdatedAt,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "a field docs/SEARCH.md does not list"),
    };

    /// <summary>Text in ordinal (byte) order, numbers, times, durations and booleans naturally.</summary>
    private static int Order(object x, object y) => (x, y) switch
    {
        (string a, string b) => string.CompareOrdinal(a, b),
        (double a, double b) => a.CompareTo(b),
        (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
        (TimeSpan a, TimeSpan b) => a.CompareTo(b),
        (bool a, bool b) => a.CompareTo(b),
        _ => throw new InvalidOperationException($"{x.GetType().Name} compared with {y.GetType().Name}"),
    };

    private static TimeOnly TimeOfDay(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = now.ToOffset(zone.GetUtcOffset(now));
        return new TimeOnly(local.Hour, local.Minute, local.Second);
    }

    private static double Haversine(double lat1, double lon1, double lat2, double lon2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var h = Math.Pow(Math.Sin(Radians(lat2 - lat1) / 2), 2)
            + (Math.Cos(Radians(lat1)) * Math.Cos(Radians(lat2)) * Math.Pow(Math.Sin(Radians(lon2 - lon1) / 2), 2));
        return 2 * EarthRadiusKm * Math.Asin(Math.Sqrt(Math.Min(1, h)));
    }
}
