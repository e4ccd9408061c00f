using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Simulator;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// What a list of deliveries must leave behind, computed from the deliveries themselves — their JSON read here as
/// docs/INGESTION.md describes each provider, not by the product's parsers, and nothing taken from a run of the
/// product. For every twin the simulated vehicles make (the VIN twin of Volteras and Telematica, the IMEI twin of the
/// tracker, the INVERS twin), chosen by what was sent: its <c>version</c> (one per distinct delivery it applied), its
/// newest reading of each kind that carries the provider's own time (value, <c>at</c>, <c>source</c>: an older one
/// sent later must not win), its alarms, trips and the notifications that follow one for one from what was sent
/// (tracker alarms, smoke); and no notification twice. Readings stamped with the server's clock (connectivity, the
/// charging and plug states Telematica sends without a time) are left out: no sender knows them.
/// </summary>
public sealed class ExpectedFleet
{
    private static readonly Dictionary<string, string> AlarmNotifications = new(StringComparer.Ordinal)
    {
        ["overspeed"] = "overspeed",
        ["geofence_enter"] = "geofence-entered",
        ["geofence_exit"] = "geofence-left",
        ["sos"] = "sos",
        ["fuel_drain"] = "fuel-drain",
        ["tampering"] = "tampering",
        ["power_cut"] = "power-cut",
    };

    private readonly Dictionary<string, ExpectedTwin> twins = new(StringComparer.Ordinal);

    private ExpectedFleet()
    {
    }

    public IReadOnlyCollection<ExpectedTwin> Twins => twins.Values;

    /// <summary>The twins <paramref name="deliveries"/> must produce, each delivery applied once in the order sent.</summary>
    public static ExpectedFleet From(IReadOnlyList<Delivery> deliveries)
    {
        var fleet = new ExpectedFleet();
        var vins = VolterasVins(deliveries);
        foreach (var delivery in deliveries)
        {
            using var json = JsonDocument.Parse(delivery.Body);
            var body = json.RootElement;
            switch (delivery.Provider)
            {
                case "volteras":
                    fleet.Volteras(delivery, body, vins);
                    break;
                case "telematica":
                    fleet.Telematica(delivery, body);
                    break;
                case "tracker":
                    fleet.Tracker(delivery, body);
                    break;
                case "invers":
                    fleet.Invers(delivery, body);
                    break;
                default:
                    throw new ArgumentException($"no expectation for provider {delivery.Provider}");
            }
        }

        return fleet;
    }

    /// <summary>Every expected twin's version as one line, to tell when applies have stopped.</summary>
    public async Task<string> VersionsAsync(HostProcess host)
    {
        var versions = new List<string>();
        foreach (var twin in twins.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            using var response = await host.Http.GetAsync(twin.Resolve);
            versions.Add(response.StatusCode == HttpStatusCode.OK
                ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!["version"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture)
                : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        }

        return string.Join(' ', versions);
    }

    /// <summary>Every twin as <paramref name="host"/> serves it now, against what was sent: each difference a line.</summary>
    public async Task<List<string>> DifferencesAsync(HostProcess host)
    {
        var differences = new List<string>();
        foreach (var expected in twins.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            using var response = await host.Http.GetAsync(expected.Resolve);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                differences.Add($"{expected.Name}: {(int)response.StatusCode} for {expected.Resolve}");
                continue;
            }

            var twin = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            var id = twin["id"]!.GetValue<string>();
            var notifications = JsonNode.Parse(await host.Http.GetStringAsync($"/api/vehicles/{Uri.EscapeDataString(id)}/notifications"))!.AsArray();
            expected.Compare(twin, notifications, differences);
        }

        return differences;
    }

    private ExpectedTwin Twin(string name, string resolve) =>
        twins.TryGetValue(name, out var twin) ? twin : twins[name] = new ExpectedTwin(name, resolve);

    private ExpectedTwin VinTwin(string vin) => Twin($"vin:{vin}", $"/api/vehicles/resolve?vin={vin}");

    /// <summary>Volteras' connection events name the vehicle by its Volteras id only: its VIN comes from its telemetry.</summary>
    private static Dictionary<string, string> VolterasVins(IEnumerable<Delivery> deliveries)
    {
        var vins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var delivery in deliveries.Where(d => d.Provider == "volteras"))
        {
            using var json = JsonDocument.Parse(delivery.Body);
            if (json.RootElement.TryGetProperty("vehicle", out var vehicle))
            {
                vins[vehicle.GetProperty("id").GetString()!] = vehicle.GetProperty("vin").GetString()!;
            }
        }

        return vins;
    }

    private void Volteras(Delivery delivery, JsonElement body, Dictionary<string, string> vins)
    {
        if (!body.TryGetProperty("vehicle", out var vehicle))
        {
            // device.connected / device.disconnected: connectivity at the server's time; it counts as a delivery.
            var id = body.GetProperty("id").GetString()!;
            VinTwin(vins.TryGetValue(id, out var known) ? known : throw new InvalidOperationException($"Volteras vehicle {id} never sent its VIN"))
                .Applied(delivery.Id);
            return;
        }

        var twin = VinTwin(vehicle.GetProperty("vin").GetString()!);
        twin.Applied(delivery.Id);
        var at = Time(body.GetProperty("timestamp").GetString()!);
        switch (body.GetProperty("metricType").GetString())
        {
            case "STATE_OF_CHARGE":
                twin.Offer("stateOfCharge", at, "volteras", ("value", body.GetProperty("stateOfCharge").GetProperty("value").GetDouble()));
                break;
            case "ODOMETER":
                twin.Offer("odometer", at, "volteras", ("value", Km(body.GetProperty("odometer"))));
                break;
            case "LOCATION":
                var position = body.GetProperty("location").GetProperty("value");
                twin.Offer("location", at, "volteras", ("latitude", position.GetProperty("latitude").GetDouble()),
                    ("longitude", position.GetProperty("longitude").GetDouble()));
                break;
        }
    }

    private void Telematica(Delivery delivery, JsonElement body)
    {
        var state = body.GetProperty("vehicleState");
        var twin = VinTwin(state.GetProperty("staticAttributes").GetProperty("vin").GetString()!);
        twin.Applied(delivery.Id);
        var battery = state.GetProperty("batteryState");
        var batteryAt = Time(battery.GetProperty("lastUpdated").GetString()!);
        twin.Offer("stateOfCharge", batteryAt, "telematica", ("value", battery.GetProperty("soc").GetDouble()));
        twin.Offer("range", batteryAt, "telematica", ("value", battery.GetProperty("rangeUnit").GetString() == "km"
            ? battery.GetProperty("range").GetDouble()
            : throw new InvalidOperationException("the simulator sends km")));
        var location = state.GetProperty("location");
        twin.Offer("location", Time(location.GetProperty("lastUpdated").GetString()!), "telematica",
            ("latitude", location.GetProperty("latitude").GetDouble()), ("longitude", location.GetProperty("longitude").GetDouble()));
        var odo = state.GetProperty("odo");
        twin.Offer("odometer", Time(odo.GetProperty("lastUpdated").GetString()!), "telematica", ("value", Km(odo)));
    }

    private void Tracker(Delivery delivery, JsonElement body)
    {
        var imei = body.GetProperty("IMEI").GetString()!;
        var twin = Twin($"imei:{imei}", $"/api/vehicles/resolve?imei={imei}");
        if (!twin.Applied(delivery.Id))
        {
            return;
        }

        var at = Time(body.GetProperty("Device_Time").GetString()!);
        var coordinates = body.GetProperty("Coordinates").GetString()!.Split(',');
        twin.Offer("location", at, "tracker", ("latitude", double.Parse(coordinates[0], CultureInfo.InvariantCulture)),
            ("longitude", double.Parse(coordinates[1], CultureInfo.InvariantCulture)));
        var kind = body.GetProperty("Event").GetString()!;
        twin.Alarms++;
        twin.Raised(AlarmNotifications[kind]);
    }

    private void Invers(Delivery delivery, JsonElement body)
    {
        var data = body.GetProperty("data");
        var vehicle = data.GetProperty("vehicle_id").GetString()!;
        var twin = Twin($"invers:{vehicle}", $"/api/vehicles/resolve?provider=invers&id={vehicle}");
        if (!twin.Applied(delivery.Id))
        {
            return;
        }

        var occurredAt = Time(body.GetProperty("metadata").GetProperty("occurred_at").GetString()!);
        switch (body.GetProperty("metadata").GetProperty("type").GetString())
        {
            case "VehicleStateRecorded":
                var state = data.GetProperty("state");
                DateTimeOffset At(string name) => Time(state.GetProperty(name).GetProperty("timestamp").GetString()!);
                JsonElement Value(string name) => state.GetProperty(name).GetProperty("value");
                twin.Offer("odometer", At("mileage_in_kilometers"), "invers", ("value", Value("mileage_in_kilometers").GetDouble()));
                twin.Offer("stateOfCharge", At("state_of_charge_or_fuel_level_in_percent"), "invers",
                    ("value", Value("state_of_charge_or_fuel_level_in_percent").GetDouble()));
                twin.Offer("location", At("position"), "invers", ("latitude", Value("position").GetProperty("lat").GetDouble()),
                    ("longitude", Value("position").GetProperty("lon").GetDouble()));
                twin.Offer("status.central_lock", At("central_lock"), "invers", ("value", Value("central_lock").GetString()!));
                break;
            case "VehicleChanged":
                twin.Offer("rental", occurredAt, "invers",
                    ("inRental", data.GetProperty("vehicle").GetProperty("rental_status").GetProperty("value").GetString() == "IN_RENTAL"));
                break;
            case "TripStarted":
                // The newest trip started is the current one (every simulated trip has an id of its own).
                twin.Offer("currentTrip", occurredAt, "invers", ("id", data.GetProperty("trip_id").GetString()!));
                break;
            case "TripEnded" or "TripMetricsReady":
                twin.Trips.Add(data.GetProperty("trip_id").GetString()!);
                break;
            case "SmokeDetected":
                twin.Alarms++;
                twin.Raised("smoke-detected");
                break;
        }
    }

    private static double Km(JsonElement reading) => reading.GetProperty("unit").GetString() == "km"
        ? reading.GetProperty("value").GetDouble()
        : throw new InvalidOperationException("the simulator sends km");

    /// <summary>ISO 8601, with a zone written <c>Z</c>, <c>+00:00</c> or (the tracker's) <c>+0000</c>.</summary>
    internal static DateTimeOffset Time(string text)
    {
        var iso = text.Length > 5 && text[^5] is '+' or '-' && text[^4..].All(char.IsAsciiDigit) ? $"{text[..^2]}:{text[^2..]}" : text;
        return DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}

/// <summary>One twin as the deliveries sent to it must leave it.</summary>
public sealed class ExpectedTwin(string name, string resolve)
{
    private readonly HashSet<string> deliveries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Reading> readings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> notifications = new(StringComparer.Ordinal);

    /// <summary>The vehicle's name in what was sent (<c>vin:</c>, <c>imei:</c>, <c>invers:</c>).</summary>
    public string Name { get; } = name;

    /// <summary>How to find the twin: <c>/api/vehicles/resolve?...</c> by the identifier that was sent.</summary>
    public string Resolve { get; } = resolve;

    /// <summary>One per distinct delivery applied.</summary>
    public long Version => deliveries.Count;

    public int Alarms { get; set; }

    public HashSet<string> Trips { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The notifications that follow one for one from what was sent, by type: one per distinct alarm delivery (tracker
    /// events, INVERS smoke), each alarm a new one since it carries the provider's time and value.
    /// </summary>
    public IReadOnlyDictionary<string, int> Notifications => notifications;

    /// <summary>A delivery sent to this twin: false when its id was sent before (a provider's retry, applied once).</summary>
    public bool Applied(string deliveryId) => deliveries.Add(deliveryId);

    /// <summary>A reading at the provider's time <paramref name="at"/>; the newest of each kind is the one the twin must show.</summary>
    public void Offer(string reading, DateTimeOffset at, string source, params (string Field, object Value)[] fields)
    {
        if (!readings.TryGetValue(reading, out var current) || at >= current.At)
        {
            readings[reading] = new Reading(at, source, fields);
        }
    }

    public void Raised(string notificationType) => notifications[notificationType] = notifications.GetValueOrDefault(notificationType) + 1;

    /// <summary>Adds a line to <paramref name="differences"/> for each way <paramref name="twin"/> is not what was sent.</summary>
    public void Compare(JsonObject twin, JsonArray served, List<string> differences)
    {
        void Differs(string what, object? expected, object? actual) => differences.Add($"{Name}: {what} is {actual ?? "(none)"}, expected {expected}");

        if (twin["version"]!.GetValue<long>() != Version)
        {
            Differs("version", Version, twin["version"]!.GetValue<long>());
        }

        foreach (var (path, reading) in readings)
        {
            var node = path.Split('.').Aggregate((JsonNode?)twin, (n, part) => n?[part]);
            if (node is not JsonObject actual)
            {
                Differs(path, reading, null);
                continue;
            }

            var at = actual[path == "currentTrip" ? "startedAt" : "at"]?.GetValue<string>() is { } text ? ExpectedFleet.Time(text) : (DateTimeOffset?)null;
            var same = at == reading.At && actual["source"]?.GetValue<string>() == reading.Source
                && reading.Fields.All(f => f.Value switch
                {
                    double d => actual[f.Field]?.GetValue<double>() == d,
                    bool b => actual[f.Field]?.GetValue<bool>() == b,
                    string s => actual[f.Field]?.GetValue<string>() == s,
                    _ => false,
                });
            if (!same)
            {
                Differs(path, reading, actual.ToJsonString());
            }
        }

        var alarms = twin["alarms"]!.AsArray().Count;
        if (alarms != Math.Min(Alarms, 20))
        {
            Differs("the number of alarms", Math.Min(Alarms, 20), alarms);
        }

        var trips = twin["trips"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        if (Trips.Count <= 20 && !trips.SetEquals(Trips))
        {
            Differs("trips", string.Join(",", Trips.Order()), string.Join(",", trips.Order()));
        }

        var ids = served.Select(n => n!["id"]!.GetValue<string>()).ToList();
        if (ids.Count != ids.Distinct(StringComparer.Ordinal).Count())
        {
            Differs("notifications", "each once", $"{ids.Count - ids.Distinct(StringComparer.Ordinal).Count()} twice");
        }

        foreach (var (type, count) in notifications)
        {
            var actual = served.Count(n => n!["type"]!.GetValue<string>() == type);
            if (actual != count)
            {
                Differs($"{type} notifications", count, actual);
            }
        }
    }

    public sealed record Reading(DateTimeOffset At, string Source, IReadOnlyList<(string Field, object Value)> Fields)
    {
        public override string ToString() =>
            $"{{{string.Join(", ", Fields.Select(f => $"{f.Field}: {f.Value}"))}, at: {At:O}, source: {Source}}}";
    }
}
