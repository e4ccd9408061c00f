// RulesBench: the operators' rules and geofences of the rules benchmark (tools/bench/rules.sh), against a running host
// that the fleet simulator drives (its vehicles start on a grid over latitude 52.3-52.8, longitude 13.1-13.61, and
// wander from there).
//   setup <url> <admin-key> <rules> <geofences>
//       creates the geofences through POST /api/geofences (16 in flight): 10 zones of about 8 x 13 km with no dwell
//       (the vehicles that start in one enter it at their first position), then the rest as small squares, circles
//       and hexagons on a grid over the fleet's area (dwells 0s, 30s, 1m), so that vehicles wandering there enter and
//       leave some; then the rules through POST /api/rules (a mix below); checks both counts back.
//   check <url> <key> <rules>
//       what they decided during the run: the rule alerts in the inbox (and how many rules raised them), the vehicles
//       inside a zone and inside a small geofence; exits 1 when there is no alert or no vehicle inside a zone.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

var (command, url, key) = (args[0], args[1], args[2]);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
var invariant = CultureInfo.InvariantCulture;
const double South = 52.3, West = 13.1, Height = 0.5, Width = 0.51;
const int Zones = 10;

return command switch
{
    "setup" => await SetupAsync(int.Parse(args[3], invariant), int.Parse(args[4], invariant)),
    "check" => await CheckAsync(int.Parse(args[3], invariant)),
    _ => throw new ArgumentException($"unknown command '{command}': setup or check"),
};

async Task<int> SetupAsync(int rules, int geofences)
{
    if (geofences < Zones + 1)
    {
        throw new ArgumentException($"geofences: at least {Zones + 1} (the zones and one more)");
    }

    var clock = Stopwatch.StartNew();
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
    {
        for (int i; (i = Interlocked.Increment(ref next)) < geofences;)
        {
            await PostAsync("/api/geofences", i < Zones ? Zone(i) : Small(i - Zones, geofences - Zones));
        }
    }));
    var fences = clock.Elapsed;
    clock.Restart();
    // One by one: each rule's inside() is checked against the registry, and the order keeps the ids' meaning stable.
    for (var i = 0; i < rules; i++)
    {
        await PostAsync("/api/rules", Rule(i, geofences - Zones));
    }

    var listed = await CountGeofencesAsync();
    var ruleCount = (await http.GetFromJsonAsync<JsonObject>("/api/rules"))!["items"]!.AsArray().Count;
    Console.WriteLine($"setup: {geofences} geofences in {fences.TotalSeconds:0.0} s ({geofences / fences.TotalSeconds:0}/s), " +
        $"{rules} rules in {clock.Elapsed.TotalSeconds:0.0} s; listed back {listed} geofences, {ruleCount} rules");
    if (listed != geofences || ruleCount != rules)
    {
        Console.Error.WriteLine($"setup: the host lists {listed} geofences and {ruleCount} rules, not {geofences} and {rules}");
        return 1;
    }

    return 0;
}

async Task PostAsync(string path, JsonObject body)
{
    using var response = await http.PostAsJsonAsync(path, body);
    if (response.StatusCode != HttpStatusCode.Created)
    {
        throw new InvalidOperationException($"POST {path} {body["id"]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

async Task<int> CountGeofencesAsync()
{
    var (count, cursor) = (0, (string?)null);
    do
    {
        var page = await http.GetFromJsonAsync<JsonObject>($"/api/geofences?limit=1000{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}");
        count += page!["items"]!.AsArray().Count;
        cursor = page["nextCursor"]?.GetValue<string>();
    }
    while (cursor is not null);
    return count;
}

// A tile of a 5 x 2 split of the fleet's area, shrunk to 80 %: most vehicles start in one, some between them.
JsonObject Zone(int i)
{
    var (row, column) = (i / 2, i % 2);
    var (south, west) = (South + (row + 0.1) * Height / 5, West + (column + 0.1) * Width / 2);
    var (north, east) = (south + 0.8 * Height / 5, west + 0.8 * Width / 2);
    return new JsonObject
    {
        ["id"] = $"zone-{i}",
        ["name"] = $"Zone {i}",
        ["minDwell"] = "0s",
        ["geometry"] = Polygon([(south, west), (south, east), (north, east), (north, west)]),
    };
}

// The i-th of n small geofences on a grid over the fleet's area, about 250 m across, each a third a square, a circle, a hexagon.
JsonObject Small(int i, int n)
{
    var columns = (int)Math.Ceiling(Math.Sqrt(n));
    var rows = (int)Math.Ceiling((double)n / columns);
    var (lat, lon) = (South + (i / columns + 0.5) * Height / rows, West + (i % columns + 0.5) * Width / columns);
    var (dLat, dLon) = (0.0011, 0.0011 / Math.Cos(lat * Math.PI / 180));
    var fence = new JsonObject
    {
        ["id"] = $"g-{i}",
        ["name"] = $"Geofence {i}",
        ["minDwell"] = (i % 3) switch { 0 => "0s", 1 => "30s", _ => "1m" },
        ["exitBufferMeters"] = i % 2 == 0 ? 25 : 10,
    };
    switch (i % 3)
    {
        case 0:
            fence["geometry"] = Polygon([(lat - dLat, lon - dLon), (lat - dLat, lon + dLon), (lat + dLat, lon + dLon), (lat + dLat, lon - dLon)]);
            break;
        case 1:
            fence["circle"] = new JsonObject { ["center"] = new JsonObject { ["latitude"] = lat, ["longitude"] = lon }, ["radiusMeters"] = 130 };
            break;
        default:
            fence["geometry"] = Polygon([.. Enumerable.Range(0, 6).Select(k => (lat + dLat * Math.Sin(k * Math.PI / 3), lon + dLon * Math.Cos(k * Math.PI / 3)))]);
            break;
    }

    return fence;
}

// A GeoJSON polygon of the corners (latitude, longitude), closed (the first position again), longitude first.
JsonObject Polygon(IReadOnlyList<(double Lat, double Lon)> corners)
{
    var ring = new JsonArray();
    foreach (var (lat, lon) in corners.Append(corners[0]))
    {
        ring.Add(new JsonArray(Math.Round(lon, 7), Math.Round(lat, 7)));
    }

    return new JsonObject { ["type"] = "Polygon", ["coordinates"] = new JsonArray(ring) };
}

// The i-th rule: ten kinds in turn, each kind's threshold, duration and scope varying with its round (p = 0, 1, ...).
// The simulated vehicles start at 20-89 % and lose 0.2 % per delivery (gain 0.5 charging), charge and disconnect now
// and then: thresholds are crossed, alerts raised and cleared during a run.
JsonObject Rule(int i, int smallFences)
{
    var p = i / 10;
    var zone = $"zone-{p % Zones}";
    var small = $"g-{(i * 7919) % smallFences}";
    string[] severities = ["critical", "major", "minor", "warning", "info"];
    var rule = new JsonObject { ["id"] = $"bench-{i}", ["name"] = $"Bench rule {i}", ["severity"] = severities[i % severities.Length] };
    void Set(string name, string? value)
    {
        if (value is not null)
        {
            rule[name] = value;
        }
    }

    (string When, string For, string? ClearWhen, string? ClearFor, string? AppliesTo, string? NotifyEvery) spec = (i % 10) switch
    {
        0 => ($"soc < {15 + (p * 3)}", "30s", $"soc > {20 + (p * 3)}", "10s", null, null),
        1 => ($"soc < {25 + p} and not charging = CHARGING", "1m", null, null, $"vin >= \"WSIM0100000000{p % 10}\"", "10m"),
        2 => ($"charging = CHARGING and soc > {80 + p}", "20s", $"soc < {75 + p} or not charging = CHARGING", null, "online = true", null),
        3 => ($"lastSeenAt >= now() - 5m and soc < {30 + p}", "0s", null, "30s", null, null),
        4 => ($"offlineSince < now() - {1 + p}m", "0s", "online = true", null, null, null),
        5 => ($"localTime between 07:00 and 19:00 and soc < {35 + p}", "10s", null, null, null, null),
        6 => ($"localTime not between 22:00 and 06:00 and charging = CHARGING and soc < {50 + p}", "0s", null, null, null, null),
        7 => ($"inside({zone}) and soc < {40 + p}", "30s", $"not inside({zone}) or soc > {45 + p}", "10s", null, null),
        8 => ($"changed(charging) and charging = CHARGING or inside({small})", "0s", null, null, $"not inside({zone})", "5m"),
        _ => ($"near({52.4 + (p % 5 * 0.08):0.00}, {13.2 + (p % 4 * 0.1):0.0}, {2 + p}km) and odometer > {10200 + (p * 50)}", "15s",
            null, null, null, null),
    };
    Set("when", spec.When);
    Set("for", spec.For);
    Set("clearWhen", spec.ClearWhen);
    Set("clearFor", spec.ClearFor);
    Set("appliesTo", spec.AppliesTo);
    Set("notifyEvery", spec.NotifyEvery);
    return rule;
}

async Task<int> CheckAsync(int rules)
{
    var (alerts, raisedBy, cursor) = (0, new HashSet<string>(), (string?)null);
    do
    {
        var page = await http.GetFromJsonAsync<JsonObject>("/api/alerts?limit=500&filter=" + Uri.EscapeDataString("origin = rule")
            + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
        foreach (var alert in page!["items"]!.AsArray())
        {
            alerts++;
            raisedBy.Add(alert!["rule"]!.GetValue<string>());
        }

        cursor = page["nextCursor"]?.GetValue<string>();
    }
    while (cursor is not null);

    var (vehicles, inZone, inSmall) = (0, 0, 0);
    cursor = null;
    do
    {
        var page = await http.GetFromJsonAsync<JsonObject>($"/api/vehicles?limit=500{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}");
        foreach (var vehicle in page!["items"]!.AsArray())
        {
            vehicles++;
            var inside = vehicle!["geofences"]?.AsArray().Select(g => g!.GetValue<string>()).ToList() ?? [];
            inZone += inside.Any(g => g.StartsWith("zone-", StringComparison.Ordinal)) ? 1 : 0;
            inSmall += inside.Any(g => g.StartsWith("g-", StringComparison.Ordinal)) ? 1 : 0;
        }

        cursor = page["nextCursor"]?.GetValue<string>();
    }
    while (cursor is not null);

    Console.WriteLine($"decided: {alerts} rule alerts from {raisedBy.Count} of {rules} rules; of {vehicles} vehicles {inZone} inside a zone, " +
        $"{inSmall} inside a small geofence");
    // The small geofences are a few hundred metres across: a short run (the smoke size) may put no vehicle in one.
    if (alerts == 0 || inZone == 0)
    {
        Console.Error.WriteLine("check: the rules raised no alert, or no vehicle is inside a zone: the run did not exercise them");
        return 1;
    }

    return 0;
}
