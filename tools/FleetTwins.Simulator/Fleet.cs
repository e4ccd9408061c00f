using System.Globalization;
using System.Text;

namespace FleetTwins.Simulator;

/// <summary>One push as a provider sends it: where to (a webhook path, or an INVERS message type), and the body.</summary>
public sealed record Delivery(string Provider, string Target, string VehicleKey, DateTimeOffset At, byte[] Body)
{
    /// <summary>The provider's delivery id (svix-id, INVERS metadata.id); a duplicate repeats it.</summary>
    public string Id { get; init; } = $"msg_{Guid.NewGuid():N}";
}

/// <summary>
/// A simulated fleet: vehicles that drive, charge, plug in, go offline and come back, each known to every
/// provider by that provider's own identifier (VIN, Volteras id, Telematica id, tracker IMEI, INVERS id).
/// </summary>
public sealed class Fleet(int vehicles, int seed, DateTimeOffset start)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly Random random = new(seed);
    private readonly Vehicle[] fleet = [.. Enumerable.Range(0, vehicles).Select(i => new Vehicle(i, seed))];
    private DateTimeOffset now = start;

    public int Count => fleet.Length;

    /// <summary>
    /// The registry of this fleet as an operator keeps it (<c>id,vin,aliases</c>, aliases separated by <c>|</c>): each
    /// vehicle keyed by its VIN, with the id every provider knows it by, so that a host that imports it keeps one twin
    /// per vehicle whichever provider reports.
    /// </summary>
    public void WriteRegistry(TextWriter writer)
    {
        writer.WriteLine("id,vin,aliases");
        foreach (var v in fleet)
        {
            writer.WriteLine($"{v.Vin},{v.Vin},volteras:{v.VolterasId}|telematica:{v.TelematicaId}|imei:{v.Imei}|invers:{v.InversId}");
        }
    }

    private sealed class Vehicle(int index, int seed)
    {
        public string Vin { get; } = $"WSIM{seed % 100:00}{index:D11}";
        public string VolterasId { get; } = $"sim-{seed}-{index}";
        public string TelematicaId { get; } = $"{seed:x8}{index:x16}";
        public string Imei { get; } = $"35{seed % 1000:000}{index:D10}";
        public string InversId { get; } = $"SIM-{seed}-{index}";
        public double Soc { get; set; } = 20 + (index * 37 % 70);
        public double Odometer { get; set; } = 10_000 + index;
        public double Latitude { get; set; } = 52.3 + (index % 100 / 200.0);
        public double Longitude { get; set; } = 13.1 + (index % 77 / 150.0);
        public bool Charging { get; set; }
        public bool Online { get; set; } = true;
    }

    /// <summary>The next delivery of a random vehicle from a provider picked by <paramref name="providers"/>' weights.</summary>
    public Delivery Next(IReadOnlyList<(string Provider, int Weight)> providers, TimeSpan step)
    {
        now += step;
        var vehicle = fleet[random.Next(fleet.Length)];
        Evolve(vehicle);
        var total = providers.Sum(p => p.Weight);
        var pick = random.Next(total);
        var provider = providers.First(p => (pick -= p.Weight) < 0).Provider;
        return provider switch
        {
            "volteras" => Volteras(vehicle),
            "telematica" => Telematica(vehicle),
            "tracker" => Tracker(vehicle),
            "invers" => Invers(vehicle),
            _ => throw new ArgumentException($"unknown provider '{provider}'"),
        };
    }

    private void Evolve(Vehicle v)
    {
        if (random.NextDouble() < 0.02)
        {
            v.Charging = !v.Charging;
        }

        if (random.NextDouble() < 0.01)
        {
            v.Online = !v.Online;
        }

        v.Soc = Math.Clamp(v.Soc + (v.Charging ? 0.5 : -0.2), 0, 100);
        if (!v.Charging)
        {
            v.Odometer += random.NextDouble();
            v.Latitude += (random.NextDouble() - 0.5) / 500;
            v.Longitude += (random.NextDouble() - 0.5) / 500;
        }
    }

    private Delivery Volteras(Vehicle v)
    {
        var vehicle = $"\"vehicle\":{{\"id\":\"{v.VolterasId}\",\"vin\":\"{v.Vin}\"}}";
        var at = Time(now);
        var (type, body) = random.Next(10) switch
        {
            0 => (v.Online ? "device.connected" : "device.disconnected", $"{{\"id\":\"{v.VolterasId}\",\"deviceType\":\"VEHICLE\"}}"),
            < 4 => ("device.telemetry", $"{{\"metricType\":\"STATE_OF_CHARGE\",{vehicle},\"timestamp\":\"{at}\",\"stateOfCharge\":{{\"unit\":\"percent\",\"value\":{N(v.Soc)}}}}}"),
            < 6 => ("device.telemetry", $"{{\"metricType\":\"LOCATION\",{vehicle},\"timestamp\":\"{at}\",\"location\":{{\"unit\":\"degree\",\"value\":{{\"latitude\":{N(v.Latitude)},\"longitude\":{N(v.Longitude)}}}}}}}"),
            < 8 => ("device.telemetry", $"{{\"metricType\":\"ODOMETER\",{vehicle},\"timestamp\":\"{at}\",\"odometer\":{{\"unit\":\"km\",\"value\":{N(v.Odometer)}}}}}"),
            _ => ("device.telemetry", $"{{\"metricType\":\"CHARGING_STATE\",{vehicle},\"timestamp\":\"{at}\",\"state\":\"{(v.Charging ? "CHARGING" : "NOT_CHARGING")}\"}}"),
        };
        return new Delivery("volteras", $"/volteras/{type}", v.Vin, now, Encoding.UTF8.GetBytes(body));
    }

    private Delivery Telematica(Vehicle v)
    {
        var at = Time(now);
        var body = random.Next(2) == 0
            ? $"{{\"type\":\"vehicle.charging-status\",\"vehicleId\":\"{v.TelematicaId}\",\"currentState\":\"{(v.Charging ? "Charging" : "NotCharging")}\",\"vehicleState\":{State(v, at)}}}"
            : $"{{\"type\":\"vehicle.plug-status\",\"vehicleId\":\"{v.TelematicaId}\",\"currentState\":\"{(v.Charging ? "Plugged" : "Unplugged")}\",\"vehicleState\":{State(v, at)}}}";
        return new Delivery("telematica", "/telematica", v.Vin, now, Encoding.UTF8.GetBytes(body));
    }

    private static string State(Vehicle v, string at) =>
        $"{{\"batteryState\":{{\"isCharging\":{B(v.Charging)},\"isPlugged\":{B(v.Charging)},\"lastUpdated\":\"{at}\",\"range\":{N(v.Soc * 4)},\"rangeUnit\":\"km\",\"soc\":{N(v.Soc)}}}," +
        $"\"id\":\"{v.TelematicaId}\",\"location\":{{\"lastUpdated\":\"{at}\",\"latitude\":{N(v.Latitude)},\"longitude\":{N(v.Longitude)}}}," +
        $"\"odo\":{{\"lastUpdated\":\"{at}\",\"unit\":\"km\",\"value\":{N(v.Odometer)}}},\"state\":\"ACTIVE\"," +
        $"\"staticAttributes\":{{\"make\":\"BMW\",\"model\":\"i3\",\"vin\":\"{v.Vin}\",\"year\":2022}}}}";

    private Delivery Tracker(Vehicle v)
    {
        var kind = random.Next(20) switch { 0 => "overspeed", 1 => "geofence_enter", 2 => "geofence_exit", 3 => "sos", _ => "location" };
        kind = kind == "location" ? "overspeed" : kind;
        var device = now.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff+0000", Invariant);
        var geofence = kind.StartsWith("geofence", StringComparison.Ordinal) ? "\"Depot\"" : "null";
        var body = $"{{\"Event\":\"{kind}\",\"Changes\":{random.Next(40, 130)},\"Device_Time\":\"{device}\",\"IMEI\":\"{v.Imei}\"," +
            $"\"Server_Time\":\"{device}\",\"Coordinates\":\"{N(v.Latitude)},{N(v.Longitude)}\",\"Location\":null,\"Geofence_Name\":{geofence}}}";
        return new Delivery("tracker", "/tracker", v.Imei, now, Encoding.UTF8.GetBytes(body));
    }

    private Delivery Invers(Vehicle v)
    {
        var at = Time(now);
        string Reading(string name, string value) => $"\"{name}\":{{\"timestamp\":\"{at}\",\"value\":{value}}}";
        var id = $"sim-{Guid.NewGuid():N}";
        var (type, data) = random.Next(20) switch
        {
            < 14 => ("VehicleStateRecorded", ",\"state\":{" + string.Join(",",
                Reading("mileage_in_kilometers", N(v.Odometer)), Reading("state_of_charge_or_fuel_level_in_percent", N(v.Soc)),
                Reading("position", $"{{\"lat\":{N(v.Latitude)},\"lon\":{N(v.Longitude)}}}"), Reading("central_lock", "\"LOCKED\"")) + "}"),
            < 16 => ("VehicleChanged", $",\"vehicle\":{{\"id\":\"{v.InversId}\",\"rental_status\":{{\"value\":\"{(random.Next(2) == 0 ? "IN_RENTAL" : "NOT_IN_RENTAL")}\"}}}}"),
            16 => ("TripStarted", $",\"trip_id\":\"t-{id}\",\"start_position\":{{\"lat\":{N(v.Latitude)},\"lon\":{N(v.Longitude)}}}"),
            17 => ("TripEnded", $",\"trip_id\":\"t-{id}\",\"end_position\":{{\"lat\":{N(v.Latitude)},\"lon\":{N(v.Longitude)}}}"),
            18 => ("TripMetricsReady", $",\"trip_id\":\"t-{id}\",\"distance_in_kilometers\":3.2"),
            _ => ("SmokeDetected", ""),
        };
        var body = $"{{\"metadata\":{{\"id\":\"{id}\",\"type\":\"{type}\",\"schema_major_version\":2,\"occurred_at\":\"{at}\"}}," +
            $"\"data\":{{\"vehicle_id\":\"{v.InversId}\"{data}}}}}";
        return new Delivery("invers", type, v.InversId, now, Encoding.UTF8.GetBytes(body)) { Id = id };
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", Invariant);

    private static string N(double value) => Math.Round(value, 4).ToString(Invariant);

    private static string B(bool value) => value ? "true" : "false";
}
