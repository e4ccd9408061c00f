using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;
using FsCheck;
using FsCheck.Fluent;

namespace FleetTwins.Search.Tests;

/// <summary>Random fleets and filters from small domains, so that equal values, unset fields and ties are common.</summary>
public static class Generators
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly string?[] Makes = [null, "BMW", "VW", "Tesla", "bmw", "Škoda"];
    private static readonly string?[] ChargingStates = [null, "CHARGING", "COMPLETE", "DISCONNECTED", "STOPPED"];
    private static readonly string?[] PlugStates = [null, "PLUGGED_IN", "UNPLUGGED"];
    private static readonly string[] GeofenceIds = ["depot-a", "depot-b", "zone.c"];
    private static readonly string?[] Plates = [null, "B-FT 123", "B-FT 124", "b-ft 123", "M-AB 1"];
    private static readonly string?[] Groups = [null, "vans", "pool", "Vans"];
    private static readonly string[] TagValues = ["depot-a", "night", "EV"];

    /// <summary>Zones either side of UTC, with and without daylight saving, so "now" falls on other hours and days.</summary>
    private static readonly TimeZoneInfo[] Zones =
        [TimeZoneInfo.Utc, .. new[] { "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati" }.Select(TimeZoneInfo.FindSystemTimeZoneById)];

    public static Gen<DateTimeOffset?> Time =>
        Gen.Frequency((1, Gen.Constant<DateTimeOffset?>(null)),
            (4, Gen.Choose(-600, 60).Select(m => (DateTimeOffset?)Now.AddMinutes(m).AddTicks(m * 17 * 10))));

    public static Gen<double?> Number(int min, int max) =>
        Gen.Frequency((1, Gen.Constant<double?>(null)), (5, Gen.Choose(min * 2, max * 2).Select(n => (double?)(n / 2.0))));

    public static Gen<VehicleSummary> Vehicle(int index) =>
        from make in Gen.Elements(Makes)
        from online in Gen.Elements(true, false)
        from lastSeen in Time
        from offline in Time
        from soc in Number(0, 100)
        from charging in Gen.Elements(ChargingStates)
        from plug in Gen.Elements(PlugStates)
        from lat in Gen.Frequency((1, Gen.Constant<double?>(null)), (4, Gen.Choose(-500, 500).Select(n => (double?)(52.5 + (n / 1000.0)))))
        from lon in Gen.Choose(-500, 500).Select(n => 13.4 + (n / 1000.0))
        from odometer in Number(0, 300_000)
        from rental in Gen.Elements(true, false)
        from alerts in Gen.Choose(0, 3)
        from high in Gen.Choose(0, 3)
        from version in Gen.Choose(1, 1000)
        from geofences in Gen.SubListOf(GeofenceIds)
        from plate in Gen.Elements(Plates)
        from fleetGroup in Gen.Elements(Groups)
        from tags in Gen.SubListOf(TagValues)
        select new VehicleSummary
        {
            Id = $"v{index:000}",
            Version = version,
            Vin = index % 3 == 0 ? null : $"VIN{index:00000000000000}",
            Make = make,
            Model = make is null ? null : $"{make}-m{index % 4}",
            Online = online,
            LastSeenAt = lastSeen,
            OfflineSince = online ? null : offline ?? Now.AddHours(-1),
            Soc = soc,
            Charging = charging,
            Plug = plug,
            Latitude = lat,
            Longitude = lat is null ? null : lon,
            Odometer = odometer,
            Range = soc * 4,
            Rental = rental,
            Alerts = alerts,
            HighAlerts = Math.Min(high, alerts),
            UpdatedAt = Now.AddMinutes(-index),
            Geofences = [.. geofences],
            Name = index % 4 == 0 ? null : $"Vehicle {index % 5}",
            Plate = plate,
            Group = fleetGroup,
            Tags = [.. tags.Order(StringComparer.Ordinal)],
        };

    public static Gen<List<VehicleSummary>> Fleet =>
        Gen.Choose(0, 60).SelectMany(n => Gen.CollectToSequence(Enumerable.Range(0, n).Select(Vehicle))).Select(v => v.ToList());

    /// <summary>A value of the field's type, from the same domains as the fleet.</summary>
    public static Gen<object> Value(Field field) => field.Type switch
    {
        FieldType.Text => field.Name switch
        {
            "make" => Gen.Elements<object>("BMW", "VW", "Tesla", "bmw", "Škoda", "Zed"),
            "charging" => Gen.Elements<object>("CHARGING", "COMPLETE", "DISCONNECTED", "STOPPED"),
            "plug" => Gen.Elements<object>("PLUGGED_IN", "UNPLUGGED"),
            "model" => Gen.Elements<object>("BMW-m1", "VW-m2", "Tesla-m0", "A"),
            "name" => Gen.Elements<object>("Vehicle 1", "Vehicle 3", "vehicle 1", "W"),
            "plate" => Gen.Elements<object>("B-FT 123", "b-ft 123", "M-AB 1", "C"),
            "group" => Gen.Elements<object>("vans", "pool", "Vans", "x"),
            _ => Gen.Choose(0, 60).Select(i => (object)$"v{i:000}"),
        },
        FieldType.Number => Gen.Choose(-2, 220).Select(n => (object)(n / 2.0)),
        FieldType.Boolean => Gen.Elements<object>(true, false),
        FieldType.Time => Gen.Frequency(
            (3, Time.Where(t => t is not null).Select(t => (object)VehicleSummary.Micros(t!.Value))),
            (1, Gen.Choose(-700, 70).Select(m => (object)new RelativeTime(TimeSpan.FromMinutes(m))))),
        _ => Gen.Choose(0, 700).Select(m => (object)TimeSpan.FromMinutes(m)),
    };

    private static readonly Field[] Fields = [.. Filters.Fields.All];

    public static Gen<Filter> Leaf =>
        Gen.Frequency(
            (8, from f in Gen.Elements(Fields)
                from op in f.Type == FieldType.Boolean
                    ? Gen.Elements(Operator.Equal, Operator.NotEqual)
                    : Gen.Elements(Enum.GetValues<Operator>())
                from value in Value(f)
                select (Filter)new Comparison(f, op, value)),
            (1, from f in Gen.Elements(Fields)
                from equal in Gen.Elements(true, false)
                select (Filter)new Comparison(f, equal ? Operator.Equal : Operator.NotEqual, null)),
            (1, from f in Gen.Elements(Fields.Where(f => f.Type is FieldType.Text or FieldType.Number).ToArray())
                from values in Gen.NonEmptyListOf(Value(f))
                select (Filter)new In(f, [.. values.Take(4)])),
            (1, from lat in Gen.Choose(520, 530)
                from lon in Gen.Choose(130, 138)
                from km in Gen.Choose(1, 60)
                select (Filter)new Near(lat / 10.0, lon / 10.0, km)),
            (1, Gen.Elements(GeofenceIds.Append("elsewhere").ToArray()).Select(id => (Filter)new Inside(Filters.Fields.Geofences, id))),
            (1, Gen.Elements(TagValues.Append("ev").ToArray()).Select(tag => (Filter)new Has(Filters.Fields.Tags, tag))),
            (1, from start in Gen.Choose(0, 47)
                from end in Gen.Choose(0, 47).Where(e => e != start)
                from zone in Gen.Elements(Zones)
                select (Filter)new LocalTimeBetween(new TimeOnly(start / 2, start % 2 * 30), new TimeOnly(end / 2, end % 2 * 30), zone)),
            (1, from days in Gen.NonEmptyListOf(Gen.Elements(Enum.GetValues<DayOfWeek>()))
                from zone in Gen.Elements(Zones)
                select (Filter)new WeekdayIn([.. days.Distinct()], zone)));

    public static Gen<Filter> Filter(int depth) => depth == 0
        ? Leaf
        : Gen.Frequency(
            (3, Leaf),
            (2, from l in Filter(depth - 1) from r in Filter(depth - 1) select (Filter)new And(l, r)),
            (2, from l in Filter(depth - 1) from r in Filter(depth - 1) select (Filter)new Or(l, r)),
            (1, Filter(depth - 1).Select(f => (Filter)new Not(f))));

    public static Gen<SortOrder> Sort =>
        from f in Gen.Elements(Filters.Fields.All.Where(f => f.Sortable).ToArray())
        from desc in Gen.Elements(true, false)
        select new SortOrder(f, desc);
}
