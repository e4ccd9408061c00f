using System.Text.Json;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.RateLimits;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Routing;

namespace FleetTwins.Ingestion.Providers.Volteras;

/// <summary>
/// Turns one Volteras webhook payload into canonical events. Pure: no I/O. Volteras payloads do not name their
/// type: it comes from the endpoint path (<c>/webhooks/volteras/{eventType}</c>) or is inferred from the shape. The
/// path is not signed, so its type is used only where the payload's shape agrees with it: a signed payload of one
/// type replayed to another type's path is refused.
/// </summary>
public static class VolterasParser
{
    public const string Provider = Sources.Volteras;

    /// <summary>The event types Volteras documents.</summary>
    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "device.connected", "device.disconnected", "device.telemetry", "command.updated",
        "rate_limit.updated", "alert.updated", "journey.updated",
    };

    /// <summary>What <see cref="Shape"/> answers for the shape <c>device.connected</c> and <c>device.disconnected</c> share.</summary>
    private const string ConnectivityShape = "device.connected or device.disconnected";

    /// <param name="body">The payload.</param>
    /// <param name="eventType">The type from the path, or null to infer it from the payload's shape.</param>
    /// <param name="receivedAt">The signed svix-timestamp: stamps facts the payload gives no time for.</param>
    /// <param name="limit">This host's clock: a timestamp further ahead of it than the allowed skew is refused.</param>
    public static ParseOutcome Parse(ReadOnlyMemory<byte> body, string? eventType, DateTimeOffset receivedAt, FutureLimit limit)
    {
        if (eventType is not null && !EventTypes.Contains(eventType))
        {
            // API.md: a type we do not know is accepted and counted; providers add types without notice.
            return new ParseOutcome.UnknownType(eventType);
        }

        try
        {
            using var document = Json.ParseObject(body);
            var root = document.RootElement;
            var shape = Shape(root);
            if (eventType is not null && shape is not null && !Agrees(eventType, shape))
            {
                throw new PayloadException($"the payload has the shape of {shape}, not of {eventType}.");
            }

            var type = eventType ?? shape switch
            {
                ConnectivityShape => throw new PayloadException(
                    "device.connected and device.disconnected have the same shape: post it to /webhooks/volteras/device.connected or /webhooks/volteras/device.disconnected."),
                _ => shape,
            };
            if (type is null)
            {
                return new ParseOutcome.UnknownType("unrecognised shape");
            }

            IReadOnlyList<Routed>? deliveries = type switch
            {
                "device.connected" => Connectivity(root, true, receivedAt),
                "device.disconnected" => Connectivity(root, false, receivedAt),
                "device.telemetry" => Telemetry(root),
                "command.updated" => [Command(root, receivedAt)],
                "rate_limit.updated" => [RateLimit(root, receivedAt)],
                "alert.updated" => [Alert(root, receivedAt)],
                "journey.updated" => [Journey(root)],
                _ => null,
            };
            return limit.Check(deliveries is null ? new ParseOutcome.UnknownType(type) : new ParseOutcome.Accepted(type, deliveries));
        }
        catch (PayloadException e)
        {
            return new ParseOutcome.Invalid(e.Message);
        }
    }

    /// <summary>
    /// The type a payload's shape shows: one event type, <see cref="ConnectivityShape"/> (the two look alike), or null
    /// for a shape of no known type (left to the typed path's parser, or accepted and counted on the untyped path).
    /// </summary>
    private static string? Shape(JsonElement root)
    {
        bool Has(string name) => root.TryGetProperty(name, out _);
        if (Has("metricType"))
        {
            return "device.telemetry";
        }

        if (Has("remaining_requests") || Has("max_requests"))
        {
            return "rate_limit.updated";
        }

        if (Has("alertDefinitionId") || Has("currentSeverity"))
        {
            return "alert.updated";
        }

        if (Has("startTimestamp") || Has("distanceTravelledKm"))
        {
            return "journey.updated";
        }

        if (Has("command") && Has("status"))
        {
            return "command.updated";
        }

        return Has("id") && Has("deviceType") ? ConnectivityShape : null;
    }

    private static bool Agrees(string eventType, string shape) =>
        shape == eventType || (shape == ConnectivityShape && eventType is "device.connected" or "device.disconnected");

    private static IReadOnlyList<Routed> Connectivity(JsonElement root, bool online, DateTimeOffset receivedAt)
    {
        var id = root.RequiredId("id");
        var deviceType = root.OptionalString("deviceType") ?? "VEHICLE";
        if (!deviceType.Equals("VEHICLE", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        return [new ForVehicle(new VehicleIdentity(null, [$"{Provider}:{id}"]), [new ConnectivityReported(online) { At = receivedAt }])];
    }

    private static IReadOnlyList<Routed>? Telemetry(JsonElement root)
    {
        var metric = root.RequiredString("metricType");
        var vehicle = root.RequiredObject("vehicle");
        var identity = new VehicleIdentity(Json.VinOrNull(vehicle.OptionalString("vin")), [$"{Provider}:{vehicle.RequiredId("id")}"]);
        var at = root.RequiredTimestamp("timestamp");
        var extra = new ExtraFields();
        VehicleEvent? e = metric switch
        {
            "STATE_OF_CHARGE" => new StateOfChargeReported(Units.Percent(Value(root, "stateOfCharge", 0, 100), Unit(root, "stateOfCharge"), "stateOfCharge.unit")),
            "ENERGY_REMAINING" => new EnergyRemainingReported(Units.KilowattHours(Value(root, "energyRemainingKwh", 0, 10_000), Unit(root, "energyRemainingKwh"), "energyRemainingKwh.unit")),
            "LOCATION" => Location(root, extra),
            "ODOMETER" => new OdometerReported(Units.Kilometres(Value(root, "odometer", 0, 10_000_000), Unit(root, "odometer"), "odometer.unit")),
            "RANGE" => new RangeReported(Units.Kilometres(Value(root, "range", 0, 100_000), Unit(root, "range"), "range.unit")),
            "TIRES" => new TirePressureReported(root.RequiredString("position"),
                Units.Kilopascals(Value(root, "pressure", 0, 10_000), Unit(root, "pressure"), "pressure.unit")),
            "OEM_ALERT" => OemAlert(root.RequiredObject("oemAlert"), extra),
            "CHARGING_STATE" => new ChargingStateReported(root.RequiredString("state").ToUpperInvariant()),
            "DEPARTURE_TIMES" => Departures(root.RequiredArray("departureTimes")),
            "OTHER_CHARGING_DATA" => ChargingData(root.RequiredArray("data"), extra),
            "OTHER_LOCATION_DATA" => MotionData(root.RequiredArray("data"), extra),
            _ => null,
        };
        if (e is null)
        {
            return null;
        }

        // What the payload carries beyond what this metric reads: kept on the reading (docs/INGESTION.md, extra).
        extra.From(root, TelemetryFields[metric])
            .From(vehicle, VehicleFields, "vehicle");
        if (MeasuredObject.TryGetValue(metric, out var measured))
        {
            extra.From(root.RequiredObject(measured), UnitAndValue, measured);
        }

        return [new ForVehicle(identity, [e with { At = at, Extra = extra.ToJson() }])];
    }

    /// <summary>The top-level fields each metric type reads, the envelope's (<c>metricType</c>, <c>vehicle</c>, <c>timestamp</c>) with them.</summary>
    private static readonly Dictionary<string, HashSet<string>> TelemetryFields = new(StringComparer.Ordinal)
    {
        ["STATE_OF_CHARGE"] = Reads("stateOfCharge"),
        ["ENERGY_REMAINING"] = Reads("energyRemainingKwh"),
        ["LOCATION"] = Reads("location"),
        ["ODOMETER"] = Reads("odometer"),
        ["RANGE"] = Reads("range"),
        ["TIRES"] = Reads("pressure", "position"),
        ["OEM_ALERT"] = Reads("oemAlert"),
        ["CHARGING_STATE"] = Reads("state"),
        ["DEPARTURE_TIMES"] = Reads("departureTimes"),
        ["OTHER_CHARGING_DATA"] = Reads("data"),
        ["OTHER_LOCATION_DATA"] = Reads("data"),
    };

    private static HashSet<string> Reads(params string[] fields) => new([.. fields, "metricType", "vehicle", "timestamp"], StringComparer.Ordinal);

    /// <summary>The metrics whose value is a <c>{unit, value}</c> object, and its name.</summary>
    private static readonly Dictionary<string, string> MeasuredObject = new(StringComparer.Ordinal)
    {
        ["STATE_OF_CHARGE"] = "stateOfCharge",
        ["ENERGY_REMAINING"] = "energyRemainingKwh",
        ["ODOMETER"] = "odometer",
        ["RANGE"] = "range",
        ["TIRES"] = "pressure",
    };

    private static readonly string[] UnitAndValue = ["unit", "value"];
    private static readonly string[] VehicleFields = ["id", "vin"];
    private static readonly string[] OemAlertFields =
        ["status", "oemCode", "oemMessage", "severity", "mappedCode", "mappedMessage", "affectedComponent", "recommendedAction", "type"];

    private static double Value(JsonElement root, string name, double min, double max) =>
        root.RequiredObject(name).OptionalNumberInRange("value", min, max) ?? throw new PayloadException($"{name}.value is required and must be a number.");

    private static string? Unit(JsonElement root, string name) => root.RequiredObject(name).OptionalString("unit");

    private static LocationReported Location(JsonElement root, ExtraFields extra)
    {
        var location = root.RequiredObject("location");
        Units.Degrees(location.OptionalString("unit"), "location.unit");
        var value = location.RequiredObject("value");
        extra.From(location, UnitAndValue, "location").From(value, ["latitude", "longitude"], "location.value");
        return new LocationReported(
            value.OptionalNumberInRange("latitude", -90, 90) ?? throw new PayloadException("location.value.latitude is required."),
            value.OptionalNumberInRange("longitude", -180, 180) ?? throw new PayloadException("location.value.longitude is required."))
        {
            At = default,
        };
    }

    private static OemAlertReported OemAlert(JsonElement alert, ExtraFields extra)
    {
        extra.From(alert, OemAlertFields); // oemMetadata, and whatever Volteras adds
        var status = alert.RequiredString("status").ToUpperInvariant();
        return new OemAlertReported(alert.RequiredString("oemCode"), status is "ACTIVE" or "OPEN" or "RAISED",
            alert.OptionalString("severity"), alert.OptionalString("oemMessage"), alert.OptionalString("mappedCode"),
            alert.OptionalString("mappedMessage"), alert.OptionalString("affectedComponent"),
            alert.OptionalString("recommendedAction"), alert.OptionalString("type"))
        {
            At = default,
        };
    }

    private static DepartureTimesReported Departures(JsonElement items)
    {
        var departures = new List<DepartureTime>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new PayloadException("departureTimes must be an array of objects.");
            }

            var days = item.RequiredArray("daysOfWeek").EnumerateArray()
                .Select(d => d.ValueKind == JsonValueKind.String ? d.CleanText("daysOfWeek") : throw new PayloadException("daysOfWeek must hold day names."))
                .ToList();
            departures.Add(new DepartureTime(
                (int)(item.OptionalNumberInRange("hour", 0, 23) ?? throw new PayloadException("departureTimes[].hour is required.")),
                (int)(item.OptionalNumberInRange("minute", 0, 59) ?? throw new PayloadException("departureTimes[].minute is required.")),
                days, item.OptionalInt("localTimeOffset")));
        }

        return new DepartureTimesReported(departures) { At = default };
    }

    /// <summary>
    /// <c>data</c>: <c>[{key, unit, value}]</c>, each value in a unit we convert (else 400); keys we do not model (Volteras
    /// adds them) are kept in <paramref name="extra"/>.
    /// </summary>
    private static ChargingDataReported ChargingData(JsonElement items, ExtraFields extra)
    {
        double? maxSoc = null, remaining = null, power = null, current = null;
        bool? doorOpen = null;
        string? latch = null;
        double? In(JsonElement item, string key, double min, double max, Func<double, string?, string, double> convert) =>
            item.OptionalNumberInRange("value", min, max) is { } value ? convert(value, item.OptionalString("unit"), $"{key}.unit") : null;
        foreach (var (key, item) in KeyedItems(items))
        {
            switch (key)
            {
                case "maxStateOfCharge": maxSoc = In(item, key, 0, 100, Units.Percent); break;
                case "chargeRemainingTime": remaining = In(item, key, 0, 100_000, Units.Minutes); break;
                case "chargePowerLevel": power = In(item, key, -10_000_000, 10_000_000, Units.Kilowatts); break;
                case "chargeCurrentLimit": current = In(item, key, 0, 10_000, Units.Amperes); break;
                case "chargePortDoorOpen": doorOpen = item.OptionalBool("value"); break;
                case "chargePortLatch": latch = item.OptionalString("value"); break;
                default: extra.Add(key, item); break;
            }
        }

        return new ChargingDataReported(maxSoc, remaining, power, current, doorOpen, latch) { At = default };
    }

    private static MotionReported MotionData(JsonElement items, ExtraFields extra)
    {
        double? speed = null, heading = null, elevation = null;
        foreach (var (key, item) in KeyedItems(items))
        {
            switch (key.ToLowerInvariant())
            {
                case "speed":
                    speed = item.OptionalNumberInRange("value", 0, 1000) is { } s ? Units.KilometresPerHour(s, item.OptionalString("unit"), "speed unit") : null;
                    break;
                case "heading" or "direction":
                    Units.Degrees(item.OptionalString("unit"), $"{key} unit");
                    heading = item.OptionalNumberInRange("value", 0, 360);
                    break;
                case "elevation" or "altitude":
                    elevation = item.OptionalNumberInRange("value", -1000, 40_000) is { } m ? Units.Metres(m, item.OptionalString("unit"), $"{key} unit") : null;
                    break;
                default: extra.Add(key, item); break;
            }
        }

        return new MotionReported(speed, heading, elevation) { At = default };
    }

    private static IEnumerable<(string Key, JsonElement Item)> KeyedItems(JsonElement items)
    {
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new PayloadException("data must be an array of {key, unit, value} objects.");
            }

            yield return (item.RequiredString("key"), item);
        }
    }

    private static ForVehicle Command(JsonElement root, DateTimeOffset receivedAt) => new(
        new VehicleIdentity(null, [$"{Provider}:{root.RequiredId("deviceId")}"]),
        [
            new CommandStatusReported(root.RequiredString("id"), root.RequiredString("command").ToUpperInvariant(),
                root.RequiredString("status").ToUpperInvariant(), root.OptionalString("failedReason"))
            {
                At = receivedAt,
            },
        ]);

    private static ForRateLimit RateLimit(JsonElement root, DateTimeOffset receivedAt)
    {
        var remaining = root.OptionalInt("remaining_requests") ?? throw new PayloadException("remaining_requests is required and must be a whole number.");
        var max = root.OptionalInt("max_requests") ?? throw new PayloadException("max_requests is required and must be a whole number.");
        var window = root.OptionalInt("window_size_seconds") ?? throw new PayloadException("window_size_seconds is required and must be a whole number.");
        if (remaining < 0 || max < 0 || window < 0)
        {
            throw new PayloadException("remaining_requests, max_requests and window_size_seconds must not be negative.");
        }

        return new ForRateLimit(Provider, root.RequiredId("domain"), root.RequiredId("object_id"),
            new RateLimitUpdated(root.RequiredId("key"), remaining, max, window) { At = receivedAt });
    }

    private static ForAlert Alert(JsonElement root, DateTimeOffset receivedAt)
    {
        var metadata = root.OptionalObject("metadata");
        var createdAt = root.OptionalTimestamp("createdAt");
        var at = metadata?.OptionalTimestamp("updatedAt") ?? metadata?.OptionalTimestamp("createdAt") ?? createdAt ?? receivedAt;
        var definition = root.OptionalObject("definition") is { } d
            ? new AlertDefinition(d.OptionalString("id"), d.OptionalString("name"), d.OptionalString("description"),
                d.OptionalString("message"), d.OptionalObject("category")?.OptionalString("name"))
            : null;
        var resolutions = new List<AlertResolution>();
        if (root.Optional("resolutions") is { } list)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new PayloadException("resolutions must be an array.");
            }

            foreach (var r in list.EnumerateArray())
            {
                var rd = r.OptionalObject("definition");
                var steps = r.Optional("steps") is { ValueKind: JsonValueKind.Array } s
                    ? s.EnumerateArray().Select(step => new AlertResolutionStep(step.RequiredString("id"),
                        step.OptionalObject("definition")?.OptionalString("description"), step.OptionalObject("definition")?.OptionalInt("order"),
                        step.RequiredString("status"))).ToList()
                    : [];
                resolutions.Add(new AlertResolution(r.RequiredString("id"), rd?.OptionalString("name"), rd?.OptionalString("description"),
                    r.RequiredString("status"), steps));
            }
        }

        var vin = Json.VinOrNull(root.OptionalString("vin"));
        var update = new AlertUpdated(root.RequiredString("status").ToUpperInvariant(), root.OptionalString("currentSeverity"),
            root.OptionalBool("muted") ?? false, root.OptionalString("alertDefinitionId"), vin, root.OptionalString("oemDeviceId"),
            createdAt, definition, resolutions)
        {
            At = at,
        };
        return new ForAlert(root.RequiredId("id"), update, vin is null ? null : new VehicleIdentity(vin, []));
    }

    private static ForVehicle Journey(JsonElement root)
    {
        var started = root.RequiredTimestamp("startTimestamp");
        var ended = root.RequiredTimestamp("stopTimestamp");
        if (ended < started)
        {
            throw new PayloadException("stopTimestamp must not be before startTimestamp.");
        }

        var journey = new JourneyRecorded(root.RequiredString("id"), started, ended,
            root.OptionalNumberInRange("distanceTravelledKm", 0, 100_000), root.OptionalNumberInRange("odometerStart", 0, 10_000_000),
            root.OptionalNumberInRange("odometerEnd", 0, 10_000_000), root.OptionalNumberInRange("energyUsedKwh", -10_000, 10_000),
            root.OptionalNumberInRange("socStart", 0, 100), root.OptionalNumberInRange("socEnd", 0, 100),
            root.OptionalNumberInRange("startLatitude", -90, 90), root.OptionalNumberInRange("startLongitude", -180, 180),
            root.OptionalNumberInRange("stopLatitude", -90, 90), root.OptionalNumberInRange("stopLongitude", -180, 180))
        {
            At = ended,
        };
        var vin = Json.VinOrNull(root.OptionalString("vin"));
        return new ForVehicle(new VehicleIdentity(vin, [$"{Provider}:{root.RequiredId("vehicleId")}"]), [journey]);
    }
}
