using System.Globalization;
using System.Text.Json;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Routing;

namespace FleetTwins.Ingestion.Providers.Invers;

/// <summary>What the AMQP transport hands over besides the body (each null when the message did not carry it).</summary>
public sealed record InversMessageProperties(string? MessageId, string? Type, string? SchemaMajorVersion);

/// <summary>A parsed INVERS event: what to route, and the event id (<c>invers:&lt;metadata.id&gt;</c>) to dedup on.</summary>
public sealed record InversParse(ParseOutcome Outcome, string? DeliveryId, string? VehicleId);

/// <summary>
/// Turns one INVERS OneAPI event (<c>{"metadata": {...}, "data": {...}}</c>) into canonical events. Pure: no I/O.
/// Unknown types, properties and enum values are tolerated (INVERS adds them in place): a state property no reading
/// takes becomes a device status, and fields nothing reads go with a reading as its <c>extra</c>. A known property of an
/// unexpected type, or a schema major version this code was not written for, is refused (the message is parked).
/// </summary>
public static class InversParser
{
    public const string Provider = Sources.Invers;

    /// <summary>The stream namespace INVERS events travel on, one stream per INVERS vehicle id.</summary>
    public const string StreamNamespace = "invers";

    /// <summary>The schema major versions understood, per event type.</summary>
    public static readonly IReadOnlyDictionary<string, int[]> KnownVersions = new Dictionary<string, int[]>(StringComparer.Ordinal)
    {
        ["VehicleChanged"] = [1, 2],
        ["VehicleStateRecorded"] = [1, 2],
        ["TripStarted"] = [1, 2],
        ["TripEnded"] = [1, 2],
        ["TripMetricsReady"] = [1, 2],
        ["TripDiscarded"] = [1, 2],
        ["SmokeDetected"] = [1, 2],
        ["SmokeDataReady"] = [1, 2],
    };

    /// <param name="body">The message body.</param>
    /// <param name="limit">This host's clock: a timestamp further ahead of it than the allowed skew is refused (parked).</param>
    /// <param name="properties">What the AMQP transport carried besides the body.</param>
    public static InversParse Parse(ReadOnlyMemory<byte> body, FutureLimit limit, InversMessageProperties? properties = null)
    {
        string? deliveryId = null;
        try
        {
            using var document = Json.ParseObject(body);
            var root = document.RootElement;
            var metadata = root.RequiredObject("metadata");
            var id = metadata.OptionalString("id") ?? properties?.MessageId ?? throw new PayloadException("metadata.id is required.");
            deliveryId = $"{Provider}:{id}";
            var type = metadata.OptionalString("type") ?? properties?.Type ?? throw new PayloadException("metadata.type is required.");
            var occurredAt = metadata.RequiredTimestamp("occurred_at");
            var data = root.RequiredObject("data");
            if (!KnownVersions.TryGetValue(type, out var versions))
            {
                return new InversParse(new ParseOutcome.UnknownType(type), deliveryId, null);
            }

            var version = Version(metadata, properties);
            if (version is { } v && !versions.Contains(v))
            {
                throw new PayloadException($"schema_major_version {v} of {type} is not supported (known: {string.Join(", ", versions)}).");
            }

            var vehicleId = VehicleId(data);
            var identity = new VehicleIdentity(null, [$"{Provider}:{vehicleId}"]);
            var events = type switch
            {
                "VehicleChanged" => VehicleChanged(data, occurredAt, ref identity),
                "VehicleStateRecorded" => StateRecorded(data, occurredAt),
                "TripStarted" => TripStarted(data, occurredAt),
                "TripEnded" or "TripMetricsReady" => TripEnded(data, occurredAt),
                "TripDiscarded" => [new TripDiscarded(TripId(data)) { At = occurredAt }],
                "SmokeDetected" => [new TrackerEventReported("smoke_detected", null, null) { At = occurredAt, Extra = SmokeExtra(data) }],
                "SmokeDataReady" => [new TrackerEventReported("smoke_data_ready", SmokePeak(data), null) { At = occurredAt, Extra = SmokeExtra(data) }],
                _ => throw new InvalidOperationException(type),
            };
            var outcome = limit.Check(new ParseOutcome.Accepted(type, [new ForVehicle(identity, events)]));
            return new InversParse(outcome, deliveryId, outcome is ParseOutcome.Accepted ? vehicleId : null);
        }
        catch (PayloadException e)
        {
            return new InversParse(new ParseOutcome.Invalid(e.Message), deliveryId, null);
        }
    }

    /// <summary><c>metadata.schema_major_version</c>, else the AMQP header of that name; they must agree.</summary>
    private static int? Version(JsonElement metadata, InversMessageProperties? properties)
    {
        var inBody = metadata.OptionalInt("schema_major_version");
        int? inHeader = properties?.SchemaMajorVersion is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var h) ? h : throw new PayloadException($"header schema_major_version '{text}' is not a whole number.")
            : null;
        if (inBody is { } b && inHeader is { } hv && b != hv)
        {
            throw new PayloadException($"schema_major_version is {b} in the body but {hv} in the header.");
        }

        return inBody ?? inHeader;
    }

    /// <summary><c>data.vehicle_id</c>, else <c>data.vehicle.id</c>, else <c>data.id</c>.</summary>
    private static string VehicleId(JsonElement data)
    {
        if (data.Optional("vehicle_id") is not null)
        {
            return data.RequiredId("vehicle_id");
        }

        if (data.OptionalObject("vehicle") is { } vehicle && vehicle.Optional("id") is not null)
        {
            return vehicle.RequiredId("id");
        }

        return data.Optional("id") is not null ? data.RequiredId("id") : throw new PayloadException("data.vehicle_id (or data.vehicle.id, data.id) is required.");
    }

    private static List<VehicleEvent> VehicleChanged(JsonElement data, DateTimeOffset at, ref VehicleIdentity identity)
    {
        var vehicle = data.OptionalObject("vehicle") ?? data;
        var events = new List<VehicleEvent>();
        if (Enumerated(vehicle, "rental_status") is { } rental)
        {
            if (rental is "IN_RENTAL" or "NOT_IN_RENTAL")
            {
                events.Add(new RentalStatusReported(rental == "IN_RENTAL") { At = at });
            }
        }

        if (Enumerated(vehicle, "life_status") is { } life)
        {
            if (life is "ONLINE" or "OFFLINE")
            {
                events.Add(new ConnectivityReported(life == "ONLINE") { At = at });
            }
        }

        var vin = Json.VinOrNull(vehicle.OptionalString("vin"));
        var master = new MasterDataReported(vehicle.OptionalString("brand"), vehicle.OptionalString("model"), vehicle.OptionalString("custom_name"),
            vehicle.OptionalString("license_plate"), vehicle.OptionalInt("year_of_production"), null, vehicle.OptionalString("fuel_type"))
        {
            At = at,
        };
        if (master != new MasterDataReported(null, null, null, null, null, null, null) { At = at })
        {
            events.Add(master);
        }

        foreach (var name in new[] { "transmission", "vehicle_type" })
        {
            if (vehicle.OptionalString(name) is { } value)
            {
                events.Add(new DeviceStatusReported(name, value) { At = at });
            }
        }

        // What nothing reads (custom_fields, reasons, ...) goes with the master data, else the first reading, else a master data of its own.
        var extra = new ExtraFields().From(vehicle, VehicleFields);
        foreach (var (name, known) in new[] { ("rental_status", events.OfType<RentalStatusReported>().Any()), ("life_status", events.OfType<ConnectivityReported>().Any()) })
        {
            if (!known && vehicle.Optional(name) is { ValueKind: not JsonValueKind.Null } value)
            {
                extra.Add(name, value); // an enum value this code does not know
            }
        }

        if (data.OptionalObject("vehicle") is not null)
        {
            extra.From(data, ["vehicle"]);
        }

        if (extra.ToJson() is { } json)
        {
            var owner = events.FindIndex(e => e is MasterDataReported);
            if (events.Count == 0)
            {
                events.Add(master);
            }

            owner = owner < 0 ? 0 : owner;
            events[owner] = events[owner] with { Extra = json };
        }

        identity = identity with { Vin = vin };
        return events;
    }

    /// <summary>An enum INVERS sends as <c>{"value": "X"}</c> or as <c>"X"</c>; upper-cased.</summary>
    private static string? Enumerated(JsonElement obj, string name) => obj.Optional(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.CleanText(name).ToUpperInvariant(),
        { ValueKind: JsonValueKind.Object } value => value.OptionalString("value")?.ToUpperInvariant(),
        _ => throw new PayloadException($"{name} must be a string or an object with a value."),
    };

    private static List<VehicleEvent> StateRecorded(JsonElement data, DateTimeOffset occurredAt)
    {
        var nested = data.OptionalObject("state");
        var state = nested ?? data;
        var events = new List<VehicleEvent>();
        var extras = new List<ExtraFields>(); // beside each event
        // What no reading takes (fields beside the state, properties that are no {value} or have too long a name) goes with the first reading.
        var rest = nested is null ? new ExtraFields() : new ExtraFields().From(data, StateRecordedFields);
        foreach (var property in state.EnumerateObject())
        {
            if (nested is null && StateRecordedFields.Contains(property.Name))
            {
                continue;
            }

            // A name that is no clean status name (too long, control characters) is kept escaped in extra instead.
            if (property.Value.ValueKind != JsonValueKind.Object || !property.Value.TryGetProperty("value", out _) || property.Name.Length > 64
                || property.Name.Any(char.IsControl))
            {
                if (property.Value.ValueKind != JsonValueKind.Null)
                {
                    rest.Add(property.Name, property.Value);
                }

                continue;
            }

            try
            {
                ReadStateProperty(property, occurredAt, events, extras);
            }
            catch (PayloadException e)
            {
                throw new PayloadException($"data.state.{property.Name}: {e.Message}");
            }
        }

        if (!rest.IsEmpty)
        {
            if (events.Count == 0)
            {
                // Nothing to go with: kept all the same, as a status of its own.
                events.Add(new DeviceStatusReported("unmodelled", "(object)") { At = occurredAt });
                extras.Add(new ExtraFields());
            }

            extras[0].Append(rest);
        }

        for (var i = 0; i < events.Count; i++)
        {
            events[i] = events[i] with { Extra = extras[i].ToJson() };
        }

        return events;
    }

    /// <summary>The fields a VehicleChanged vehicle is read by; the rest goes with its master data.</summary>
    private static readonly string[] VehicleFields =
    [
        "id", "vin", "license_plate", "brand", "model", "custom_name", "fuel_type", "year_of_production", "transmission", "vehicle_type",
        "life_status", "rental_status",
    ];

    private static readonly string[] StateRecordedFields = ["vehicle_id", "vehicle", "id", "state"];
    private static readonly string[] StateItemFields = ["value", "timestamp"];
    private static readonly string[] SmokeFields = ["vehicle_id", "vehicle", "id", "max_pm2_5", "pm2_5_max"];

    private static string? SmokeExtra(JsonElement data) => new ExtraFields().From(data, SmokeFields).ToJson();

    /// <summary>One state property's reading; its own fields beside value and timestamp (a unit, a quality) go with it.</summary>
    private static void ReadStateProperty(JsonProperty property, DateTimeOffset occurredAt, List<VehicleEvent> events, List<ExtraFields> extras)
    {
        var item = property.Value;
        var at = item.OptionalTimestamp("timestamp") ?? occurredAt;
        var name = $"{property.Name}.value";
        var extra = new ExtraFields().From(item, StateItemFields);
        switch (property.Name)
        {
            case "mileage_in_kilometers":
                events.Add(new OdometerReported(item.OptionalNumberInRange("value", 0, 10_000_000) ?? throw Missing(name)) { At = at });
                break;
            case "state_of_charge_or_fuel_level_in_percent" or "fuel_level_in_percent":
                events.Add(new StateOfChargeReported(item.OptionalNumberInRange("value", 0, 100) ?? throw Missing(name)) { At = at });
                break;
            case "remaining_range_in_kilometers":
                events.Add(new RangeReported(item.OptionalNumberInRange("value", 0, 100_000) ?? throw Missing(name)) { At = at });
                break;
            case "position":
                var position = item.RequiredObject("value");
                extra.From(position, ["lat", "lon"], "value");
                events.Add(new LocationReported(position.OptionalNumberInRange("lat", -90, 90) ?? throw Missing($"{name}.lat"),
                    position.OptionalNumberInRange("lon", -180, 180) ?? throw Missing($"{name}.lon"))
                { At = at });
                break;
            default:
                var value = item.GetProperty("value");
                if (Scalar(value) is { } text)
                {
                    events.Add(new DeviceStatusReported(property.Name, text) { At = at });
                }
                else if (value.ValueKind != JsonValueKind.Null)
                {
                    // An object, an array or a text no status can show: a status of its kind, the value itself as its extra.
                    events.Add(new DeviceStatusReported(property.Name, $"({value.ValueKind.ToString().ToLowerInvariant()})") { At = at });
                    extra.Add("value", value);
                }
                else
                {
                    return; // null: nothing said
                }

                break;
        }

        extras.Add(extra);
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.Text("a text value") is { Length: <= 256 } s && !s.Any(char.IsControl) ? s : null,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static string TripId(JsonElement data)
    {
        if (data.Optional("trip_id") is not null)
        {
            return data.RequiredId("trip_id");
        }

        return data.OptionalObject("trip") is { } trip ? trip.RequiredId("id") : throw new PayloadException("data.trip_id (or data.trip.id) is required.");
    }

    private static (double? Latitude, double? Longitude) Position(JsonElement? position) =>
        position is { } p ? (p.OptionalNumberInRange("lat", -90, 90), p.OptionalNumberInRange("lon", -180, 180)) : (null, null);

    private static List<VehicleEvent> TripStarted(JsonElement data, DateTimeOffset occurredAt)
    {
        var (lat, lon) = Position(data.OptionalObject("start_position"));
        return [new TripStarted(TripId(data), lat, lon) { At = data.OptionalTimestamp("started_at") ?? occurredAt }];
    }

    private static List<VehicleEvent> TripEnded(JsonElement data, DateTimeOffset occurredAt)
    {
        var (lat, lon) = Position(data.OptionalObject("end_position"));
        return
        [
            new TripEnded(TripId(data), data.OptionalTimestamp("started_at"), lat, lon, data.OptionalNumberInRange("distance_in_kilometers", 0, 100_000))
            {
                At = data.OptionalTimestamp("ended_at") ?? occurredAt,
            },
        ];
    }

    /// <summary>The highest PM2.5 concentration of the smoke data, when given.</summary>
    private static double? SmokePeak(JsonElement data) =>
        data.OptionalNumberInRange("max_pm2_5", 0, 100_000) ?? data.OptionalNumberInRange("pm2_5_max", 0, 100_000);

    private static PayloadException Missing(string name) => new($"{name} is required and must be a number in range.");
}
