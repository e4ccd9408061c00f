using System.Text;
using System.Text.Json;
using FleetTwins.Abstractions.Accounts;
using FleetTwins.Abstractions.Chargers;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Routing;

namespace FleetTwins.Ingestion.Providers.Telematica;

/// <summary>
/// Turns one Telematica webhook payload (its type in <c>type</c>) into canonical events. Pure: no I/O.
/// The received time (the signed svix-timestamp) stamps facts the payload gives no time for.
/// </summary>
public static class TelematicaParser
{
    public const string Provider = Sources.Telematica;

    /// <summary>The event types handled; others are accepted and counted.</summary>
    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "vehicle.charging-status", "vehicle.plug-status", "vehicle.soc", "vehicle.charging-command", "charger.charging-command",
        "user.devices-connected", "user.devices-disconnected",
    };

    /// <param name="body">The payload.</param>
    /// <param name="receivedAt">The signed svix-timestamp: stamps facts the payload gives no time for.</param>
    /// <param name="limit">This host's clock: a timestamp further ahead of it than the allowed skew is refused.</param>
    public static ParseOutcome Parse(ReadOnlyMemory<byte> body, DateTimeOffset receivedAt, FutureLimit limit)
    {
        try
        {
            using var document = Json.ParseObject(body);
            var root = document.RootElement;
            var type = root.RequiredString("type");
            IReadOnlyList<Routed>? deliveries = type switch
            {
                "vehicle.charging-status" => [Vehicle(root, receivedAt, StatusEvent(root, "currentState", ChargingState))],
                "vehicle.plug-status" => [Vehicle(root, receivedAt, StatusEvent(root, "currentState", PlugState))],
                "vehicle.soc" => [Vehicle(root, receivedAt, SocEvents(root, receivedAt))],
                "vehicle.charging-command" => [VehicleCommand(root, receivedAt)],
                "charger.charging-command" => [ChargerCommand(root, receivedAt)],
                "user.devices-connected" => DevicesConnected(root, receivedAt),
                "user.devices-disconnected" => [DevicesDisconnected(root, receivedAt)],
                _ => null,
            };
            return limit.Check(deliveries is null ? new ParseOutcome.UnknownType(type) : new ParseOutcome.Accepted(type, deliveries));
        }
        catch (PayloadException e)
        {
            return new ParseOutcome.Invalid(e.Message);
        }
    }

    /// <summary>The vehicle named by <c>vehicleId</c>, with the readings of <c>vehicleState</c> and any extra events.</summary>
    private static ForVehicle Vehicle(JsonElement root, DateTimeOffset receivedAt, Func<DateTimeOffset, IEnumerable<VehicleEvent>> extra)
    {
        var vehicleId = root.RequiredId("vehicleId");
        var events = new List<VehicleEvent>();
        string? vin = null;
        var stateTime = receivedAt;
        if (root.OptionalObject("vehicleState") is { } state)
        {
            vin = ReadVehicleState(state, receivedAt, events, out stateTime);
        }

        var own = extra(stateTime).ToList();
        if (own.Count > 0)
        {
            // The event's own fields we do not model (jobId, message, ...) go with the fact it reports.
            own[0] = own[0] with { Extra = new ExtraFields().From(root, EnvelopeFields).ToJson() };
        }

        events.AddRange(own);
        return new ForVehicle(new VehicleIdentity(vin, [$"{Provider}:{vehicleId}"]), events);
    }

    private static readonly string[] EnvelopeFields = ["type", "vehicleId", "vehicleState", "currentState", "currentSoc", "targetSoc"];
    private static readonly string[] VehicleStateFields = ["batteryState", "location", "odo", "staticAttributes"];
    private static readonly string[] BatteryFields = ["lastUpdated", "soc", "range", "rangeUnit", "isCharging", "isPlugged"];
    private static readonly string[] LocationFields = ["lastUpdated", "latitude", "longitude"];
    private static readonly string[] OdometerFields = ["lastUpdated", "value", "unit"];
    private static readonly string[] AttributeFields = ["make", "model", "nickname", "registration", "year", "country", "vin"];

    /// <summary>The state named by <paramref name="field"/>, at the time of the vehicle state it came with.</summary>
    private static Func<DateTimeOffset, IEnumerable<VehicleEvent>> StatusEvent(JsonElement root, string field, Func<string, VehicleEvent> create)
    {
        var value = root.RequiredString(field);
        return at => [create(value) with { At = at }];
    }

    private static VehicleEvent ChargingState(string value) => new ChargingStateReported(Normalise(value)) { At = default };

    private static VehicleEvent PlugState(string value) => Normalise(value) switch
    {
        "PLUGGED" or "PLUGGED_IN" or "CONNECTED" => new PlugStateReported(true) { At = default },
        "UNPLUGGED" or "NOT_PLUGGED" or "DISCONNECTED" => new PlugStateReported(false) { At = default },
        _ => throw new PayloadException($"currentState '{value}' is not a plug state (Plugged or Unplugged)."),
    };

    private static Func<DateTimeOffset, IEnumerable<VehicleEvent>> SocEvents(JsonElement root, DateTimeOffset receivedAt)
    {
        var current = root.OptionalNumberInRange("currentSoc", 0, 100);
        var target = root.OptionalNumberInRange("targetSoc", 0, 100);
        return _ =>
        {
            var events = new List<VehicleEvent>();
            if (current is { } soc)
            {
                events.Add(new StateOfChargeReported(soc) { At = receivedAt });
            }

            if (target is { } targetSoc)
            {
                events.Add(new ChargingTargetReported(targetSoc) { At = receivedAt });
            }

            return events;
        };
    }

    private static ForVehicle VehicleCommand(JsonElement root, DateTimeOffset receivedAt)
    {
        var command = CommandReport(root, receivedAt);
        return new ForVehicle(new VehicleIdentity(null, [$"{Provider}:{root.RequiredId("vehicleId")}"]), [command]);
    }

    private static CommandStatusReported CommandReport(JsonElement root, DateTimeOffset receivedAt)
    {
        var action = root.RequiredString("action");
        var success = root.OptionalBool("success") ?? throw new PayloadException("success is required and must be true or false.");
        var code = root.OptionalString("code");
        var status = !success ? "FAILED" : code?.Contains("CONFIRMED", StringComparison.OrdinalIgnoreCase) == true ? "CONFIRMED" : "EXECUTED";
        return new CommandStatusReported(root.OptionalString("jobId"), CommandName(action), status, root.OptionalString("message"))
        {
            At = receivedAt,
        };
    }

    /// <summary>Telematica's actions (<c>charge-start</c>, <c>charger-stop</c>, ...) as FleetTwins command names.</summary>
    private static string CommandName(string action) => action switch
    {
        "charge-start" or "charger-start" => "START_CHARGING",
        "charge-stop" or "charger-stop" => "STOP_CHARGING",
        _ => Normalise(action),
    };

    private static ForCharger ChargerCommand(JsonElement root, DateTimeOffset receivedAt)
    {
        var chargerId = root.RequiredId("chargerId");
        var report = CommandReport(root, receivedAt);
        return new ForCharger($"{Provider}:{chargerId}",
        [
            new ChargerCommandReported(report.Command, root.OptionalString("code"), report.Status != "FAILED", report.Reason, report.ProviderCommandId)
            {
                At = receivedAt,
            },
        ]);
    }

    private static List<Routed> DevicesConnected(JsonElement root, DateTimeOffset receivedAt)
    {
        var user = UserId(root);
        var devices = new List<AccountDevice>();
        var deliveries = new List<Routed>();
        var aliases = new Dictionary<string, string>();
        foreach (var item in root.RequiredArray("devices").EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new PayloadException("devices must be an array of objects.");
            }

            var device = new AccountDevice(item.RequiredId("deviceId"), item.OptionalString("deviceType"), item.OptionalString("make"),
                item.OptionalString("model"), item.OptionalString("vin"), item.OptionalString("nickname"), item.OptionalInt("year"),
                item.OptionalString("country"), item.OptionalString("engineType"));
            devices.Add(device);
            if (device.DeviceType is null || device.DeviceType.Equals("vehicle", StringComparison.OrdinalIgnoreCase))
            {
                var alias = $"{Provider}:{device.DeviceId}";
                aliases[device.DeviceId] = alias;
                deliveries.Add(new ForVehicle(new VehicleIdentity(Json.VinOrNull(device.Vin), [alias]),
                [
                    new MasterDataReported(device.Make, device.Model, device.Nickname, null, device.Year, device.Country, device.EngineType)
                    {
                        At = receivedAt,
                    },
                ]));
            }
        }

        // The vehicles first, so the account can name the twins its devices resolved to.
        deliveries.Add(new ForAccount($"{Provider}:{user}", new DevicesConnected(devices) { At = receivedAt }, aliases));
        return deliveries;
    }

    private static ForAccount DevicesDisconnected(JsonElement root, DateTimeOffset receivedAt)
    {
        var ids = new List<string>();
        foreach (var item in root.RequiredArray("devices").EnumerateArray())
        {
            ids.Add(item.ValueKind == JsonValueKind.String && item.CleanText("devices") is { Length: > 0 and <= 100 } id
                ? id
                : throw new PayloadException("devices must be an array of device id strings."));
        }

        return new ForAccount($"{Provider}:{UserId(root)}", new DevicesDisconnected(ids) { At = receivedAt },
            ids.ToDictionary(id => id, id => $"{Provider}:{id}"));
    }

    /// <summary><c>user</c>, kept by Telematica for backwards compatibility, else the devices' <c>clientUserId</c>.</summary>
    private static string UserId(JsonElement root)
    {
        if (root.Optional("user") is not null)
        {
            return root.RequiredId("user");
        }

        foreach (var device in root.RequiredArray("devices").EnumerateArray())
        {
            if (device.ValueKind == JsonValueKind.Object && device.Optional("clientUserId") is not null)
            {
                return device.RequiredId("clientUserId");
            }
        }

        throw new PayloadException("user is required and must be a non-empty string.");
    }

    /// <summary>
    /// Reads <c>vehicleState</c>: battery, location, odometer and static attributes; answers the VIN. What each part carries
    /// that is not modelled goes with its first reading, and <c>vehicleState</c>'s own such fields with the master data
    /// (else the first reading).
    /// </summary>
    private static string? ReadVehicleState(JsonElement state, DateTimeOffset receivedAt, List<VehicleEvent> events, out DateTimeOffset stateTime)
    {
        stateTime = receivedAt;
        var parts = new List<(int First, ExtraFields Extra)>();
        if (state.OptionalObject("batteryState") is { } battery)
        {
            var first = events.Count;
            var at = battery.OptionalTimestamp("lastUpdated") ?? receivedAt;
            stateTime = at;
            if (battery.OptionalNumberInRange("soc", 0, 100) is { } soc)
            {
                events.Add(new StateOfChargeReported(soc) { At = at });
            }

            if (battery.OptionalNumberInRange("range", 0, 100_000) is { } range)
            {
                events.Add(new RangeReported(Units.Kilometres(range, battery.OptionalString("rangeUnit"), "rangeUnit")) { At = at });
            }

            if (battery.OptionalBool("isCharging") is { } charging)
            {
                events.Add(new ChargingStateReported(charging ? "CHARGING" : "NOT_CHARGING") { At = at });
            }

            if (battery.OptionalBool("isPlugged") is { } plugged)
            {
                events.Add(new PlugStateReported(plugged) { At = at });
            }

            parts.Add((first, new ExtraFields().From(battery, BatteryFields)));
        }

        if (state.OptionalObject("location") is { } location)
        {
            parts.Add((events.Count, new ExtraFields().From(location, LocationFields)));
            events.Add(new LocationReported(location.OptionalNumberInRange("latitude", -90, 90) ?? throw new PayloadException("vehicleState.location.latitude is required."),
                location.OptionalNumberInRange("longitude", -180, 180) ?? throw new PayloadException("vehicleState.location.longitude is required."))
            {
                At = location.OptionalTimestamp("lastUpdated") ?? receivedAt,
            });
        }

        if (state.OptionalObject("odo") is { } odo && odo.OptionalNumberInRange("value", 0, 10_000_000) is { } distance)
        {
            parts.Add((events.Count, new ExtraFields().From(odo, OdometerFields)));
            events.Add(new OdometerReported(Units.Kilometres(distance, odo.OptionalString("unit"), "odo.unit")) { At = odo.OptionalTimestamp("lastUpdated") ?? receivedAt });
        }

        string? vin = null;
        if (state.OptionalObject("staticAttributes") is { } attributes)
        {
            vin = Json.VinOrNull(attributes.OptionalString("vin"));
            parts.Add((events.Count, new ExtraFields().From(attributes, AttributeFields)));
            events.Add(new MasterDataReported(attributes.OptionalString("make"), attributes.OptionalString("model"),
                attributes.OptionalString("nickname"), attributes.OptionalString("registration"), attributes.OptionalInt("year"),
                attributes.OptionalString("country"), null)
            {
                At = stateTime,
            });
        }

        var owner = parts.LastOrDefault(p => events.Count > p.First && events[p.First] is MasterDataReported);
        (owner.Extra ?? parts.FirstOrDefault(p => events.Count > p.First).Extra)?.From(state, VehicleStateFields, "vehicleState");
        foreach (var (first, extra) in parts.Where(p => events.Count > p.First))
        {
            events[first] = events[first] with { Extra = extra.ToJson() };
        }

        return vin;
    }

    /// <summary><c>Charging</c>, <c>Not Charging</c>, <c>notCharging</c> → <c>CHARGING</c>, <c>NOT_CHARGING</c>.</summary>
    public static string Normalise(string value)
    {
        var builder = new StringBuilder(value.Length + 4);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is ' ' or '-' or '_')
            {
                if (builder.Length > 0 && builder[^1] != '_')
                {
                    builder.Append('_');
                }
            }
            else
            {
                if (char.IsUpper(c) && i > 0 && char.IsLower(value[i - 1]))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToUpperInvariant(c));
            }
        }

        return builder.ToString();
    }
}
