using FleetTwins.Abstractions.Alerts;
using FleetTwins.Search.Alerts;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;
using FsCheck;
using FsCheck.Fluent;

namespace FleetTwins.Search.Tests;

/// <summary>
/// Random alert inboxes from small domains (equal values, unset rules and vehicles, ties of raisedAt are common), the
/// alert list's filters and sorts, and the answer they must give, written from docs/SEARCH.md over plain values
/// (sharing no code with the evaluator, the field readers or the sort order the indexes use).
/// </summary>
public static class AlertCases
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly string[] Statuses = [AlertStatuses.Active, AlertStatuses.Acknowledged, AlertStatuses.Cleared, AlertStatuses.Closed];
    private static readonly string?[] Rules = [null, "low-soc", "offline", "Low-SOC"];
    private static readonly string?[] Vehicles = [null, "car-1", "car-2", "volteras:x.9"];

    public static Gen<Alert> Alert(int index) =>
        from status in Gen.Elements(Statuses)
        from severity in Gen.Elements(AlertStatuses.Severities.ToArray())
        from rule in Gen.Elements(Rules)
        from vehicle in Gen.Elements(Vehicles)
        from raised in Gen.Choose(0, 12)
        from updated in Gen.Choose(0, 30)
        from version in Gen.Choose(1, 50)
        select new Alert
        {
            Id = $"a{index:000}",
            Rule = rule,
            Origin = rule is null ? "volteras" : "rule",
            VehicleId = vehicle,
            Name = rule ?? "Battery fault",
            Severity = severity,
            Status = status,
            RaisedAt = T0.AddMinutes(raised * 5).AddTicks(raised * 30),
            UpdatedAt = T0.AddMinutes(updated),
            Values = $$"""{"soc":{{index}}}""",
            Version = version,
        };

    public static Gen<Alert[]> Inbox => Gen.Choose(0, 30).SelectMany(n => Gen.CollectToSequence(Enumerable.Range(0, n).Select(Alert))).Select(a => a.ToArray());

    /// <summary>Each filter with what it means, read off the alert's properties.</summary>
    public static readonly (string Text, Func<Alert, bool> Matches)[] Filters =
    [
        ("", _ => true),
        ("status = active", a => a.Status == "active"),
        ("status in (active, acknowledged) and severity in (critical, major)", a => a.Status is "active" or "acknowledged" && a.Severity is "critical" or "major"),
        ("vehicleId = car-2", a => a.VehicleId == "car-2"),
        ("vehicleId = \"volteras:x.9\" or rule = low-soc", a => a.VehicleId == "volteras:x.9" || a.Rule == "low-soc"),
        ("rule = null", a => a.Rule is null),
        ("not rule = low-soc", a => a.Rule != "low-soc"),
        ("rule != low-soc", a => a.Rule is not null && a.Rule != "low-soc"),
        ("origin = volteras and status != cleared", a => a.Origin == "volteras" && a.Status != "cleared"),
        ("raisedAt >= \"2026-03-01T12:20:00.000012Z\"", a => a.RaisedAt >= new DateTimeOffset(2026, 3, 1, 12, 20, 0, TimeSpan.Zero).AddTicks(120)),
        ("raisedAt < \"2026-03-01T12:30:00Z\" and severity != info", a => a.RaisedAt < T0.AddMinutes(30) && a.Severity != "info"),
    ];

    public static readonly string[] Sorts = ["", "-raisedAt", "raisedAt", "severity", "-severity", "rule", "-vehicleId", "status", "origin", "id", "-updatedAt"];

    public static Gen<(Alert[] Inbox, int Filter, string Sort, int Limit)> Case =>
        from inbox in Inbox
        from filter in Gen.Choose(0, Filters.Length - 1)
        from sort in Gen.Elements(Sorts)
        from limit in Gen.Choose(1, 7)
        select (inbox, filter, sort, limit);

    /// <summary>The ids the list must answer, in order: set values in the direction, unset last, ties by id.</summary>
    public static List<string> Expected(IEnumerable<Alert> inbox, int filter, string sort)
    {
        var descending = sort.StartsWith('-') || sort.Length == 0;
        var name = sort.Length == 0 ? "raisedAt" : sort.TrimStart('-');
        IComparable? Key(Alert a) => name switch
        {
            "raisedAt" => a.RaisedAt,
            "updatedAt" => a.UpdatedAt,
            "severity" => a.Severity,
            "rule" => a.Rule,
            "vehicleId" => a.VehicleId,
            "status" => a.Status,
            "origin" => a.Origin,
            _ => a.Id,
        };
        int Order(Alert x, Alert y)
        {
            var (kx, ky) = (Key(x), Key(y));
            var order = (kx, ky) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                (string sx, string sy) => (descending ? -1 : 1) * Math.Sign(string.CompareOrdinal(sx, sy)),
                _ => (descending ? -1 : 1) * kx.CompareTo(ky),
            };
            return order != 0 ? order : string.CompareOrdinal(x.Id, y.Id);
        }

        var matches = inbox.Where(Filters[filter].Matches).ToList();
        matches.Sort(Order);
        return matches.Select(a => a.Id).ToList();
    }

    /// <summary>Every page of an index's answer in turn, by cursor, until the last (the cursor as a client passes it back).</summary>
    public static async Task<List<Alert>> ReadAllPagesAsync(IAlertIndex index, int filter, string sort, int limit)
    {
        var text = Filters[filter].Text;
        var all = new List<Alert>();
        string? cursor = null;
        for (var pages = 0; pages < 1000; pages++)
        {
            var query = Parse(text, sort, limit, cursor);
            var page = await index.SearchAsync(query, text, T0, CancellationToken.None);
            Assert.True(page.Items.Count <= limit);
            all.AddRange(page.Items);
            if (page.NextCursor is null)
            {
                return all;
            }

            cursor = page.NextCursor;
        }

        throw new InvalidOperationException("paging did not end");
    }

    /// <summary>A list's query as the API parses it.</summary>
    public static SearchQuery Parse(string filter, string sort, int limit, string? cursor)
    {
        var order = SortOrder.Parse(sort, AlertFields.Catalogue, AlertFields.NewestFirst);
        return new SearchQuery(FilterParser.Parse(filter, AlertFields.Catalogue), order, limit,
            cursor is null ? null : PageCursor.Decode(cursor, order, filter));
    }
}
