using System.Text.Json;
using System.Text.Json.Nodes;
using FleetTwins.Abstractions.Accounts;
using FleetTwins.Abstractions.Chargers;
using FleetTwins.Abstractions.Events;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Providers.Telematica;
using FleetTwins.Ingestion.Providers.Tracker;
using FleetTwins.Ingestion.Providers.Volteras;
using FleetTwins.Ingestion.Routing;

namespace FleetTwins.Ingestion.Tests;

public sealed class TelematicaParserTests
{
    public static TheoryData<string> Examples => new(Fixture.Files("telematica"));

    private static ParseOutcome.Accepted Accept(string file)
    {
        var outcome = TelematicaParser.Parse(Fixture.Bytes(file), Fixture.ReceivedAt, Fixture.Limit);
        return Assert.IsType<ParseOutcome.Accepted>(outcome);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_published_example_is_accepted_with_events(string file)
    {
        var accepted = Accept(file);

        Assert.Equal(Path.GetFileNameWithoutExtension(file), accepted.EventType);
        Assert.NotEmpty(accepted.Deliveries);
    }

    [Fact]
    public void Charging_status_sets_charging_and_the_vehicle_state_readings_with_their_own_times()
    {
        var vehicle = Assert.IsType<ForVehicle>(Assert.Single(Accept("telematica/vehicle.charging-status.json").Deliveries));
        var at = DateTimeOffset.Parse("2023-06-29T11:29:11.815Z");
        var events = vehicle.Events.Select(e => e with { Extra = null }).ToList(); // the fields not modelled: NothingDroppedTests

        Assert.Equal("MAT534006MPTS4325", vehicle.Identity.Vin);
        Assert.Equal(["telematica:641aeef260d202219c22f03b"], vehicle.Identity.Aliases);
        Assert.Contains(new StateOfChargeReported(77) { At = at }, events);
        Assert.Contains(new RangeReported(216) { At = at }, events);
        Assert.Contains(new OdometerReported(12345) { At = at }, events);
        Assert.Contains(new LocationReported(12.345678, 7.3321) { At = at }, events);
        Assert.Contains(new PlugStateReported(true) { At = at }, events);
        Assert.Equal(new ChargingStateReported("CHARGING") { At = at }, events.OfType<ChargingStateReported>().Last());
        var master = Assert.Single(vehicle.Events.OfType<MasterDataReported>());
        Assert.Equal(("BMW", "X2 xDrive25e", "GJ01M20191", 2022), (master.Make, master.Model, master.Registration, master.Year));
    }

    [Fact]
    public void Soc_event_reports_current_soc_and_target()
    {
        var vehicle = Assert.IsType<ForVehicle>(Assert.Single(Accept("telematica/vehicle.soc.json").Deliveries));

        var soc = vehicle.Events.OfType<StateOfChargeReported>().Single(e => e.At == Fixture.ReceivedAt);
        Assert.Equal(new StateOfChargeReported(40.2) { At = Fixture.ReceivedAt }, soc with { Extra = null });
        Assert.Equal("""{"jobId":"641aeef260d202219c22aa3a","message":"Target SOC reached"}""", soc.Extra); // the event's own fields
        Assert.Contains(new ChargingTargetReported(40) { At = Fixture.ReceivedAt }, vehicle.Events);
    }

    [Fact]
    public void Charging_command_becomes_a_confirmed_command_report()
    {
        var vehicle = Assert.IsType<ForVehicle>(Assert.Single(Accept("telematica/vehicle.charging-command.json").Deliveries));

        var report = Assert.IsType<CommandStatusReported>(Assert.Single(vehicle.Events));
        Assert.Equal(("charge-start.charge-64253244f8057090fb3a822b", "START_CHARGING", "CONFIRMED"), (report.ProviderCommandId, report.Command, report.Status));
    }

    [Fact]
    public void Charger_command_goes_to_the_charger_twin()
    {
        var charger = Assert.IsType<ForCharger>(Assert.Single(Accept("telematica/charger.charging-command.json").Deliveries));

        Assert.Equal("telematica:64253244f8057090fb3a822b", charger.ChargerId);
        var command = Assert.IsType<ChargerCommandReported>(Assert.Single(charger.Events));
        Assert.True(command.Success);
        Assert.Equal("RESULT_CONFIRMED", command.Code);
    }

    [Fact]
    public void Devices_connected_names_the_vehicle_by_vin_and_updates_the_account()
    {
        var deliveries = Accept("telematica/user.devices-connected.json").Deliveries;

        var vehicle = Assert.IsType<ForVehicle>(deliveries[0]);
        Assert.Equal("7SAWDDEQXPS685253", vehicle.Identity.Vin);
        Assert.Equal(["telematica:642f07d280dead60533b57c2"], vehicle.Identity.Aliases);
        var account = Assert.IsType<ForAccount>(deliveries[^1]);
        Assert.Equal("telematica:user-id-in-your-database", account.AccountId);
        var device = Assert.Single(Assert.IsType<DevicesConnected>(account.Event).Devices);
        Assert.Equal(("Tesla", "Model Y", "ELECTRIC"), (device.Make, device.Model, device.EngineType));
    }

    [Fact]
    public void Devices_disconnected_lists_device_ids()
    {
        var account = Assert.IsType<ForAccount>(Assert.Single(Accept("telematica/user.devices-disconnected.json").Deliveries));

        Assert.Equal(["642f07d280dead60533b57c2"], Assert.IsType<DevicesDisconnected>(account.Event).DeviceIds);
    }

    [Fact]
    public void Unknown_type_is_accepted_as_unknown()
    {
        var outcome = TelematicaParser.Parse(Fixture.Utf8("""{"type":"vehicle.tire-pressure","vehicleId":"a1"}"""), Fixture.ReceivedAt, Fixture.Limit);

        Assert.Equal("vehicle.tire-pressure", Assert.IsType<ParseOutcome.UnknownType>(outcome).EventType);
    }

    [Theory]
    [InlineData("""{"type": "vehicle.soc", "vehicleId": "a1", "currentSoc": 140}""", "currentSoc")]
    [InlineData("""{"type": "vehicle.soc", "vehicleId": "a1", "currentSoc": "40"}""", "currentSoc")]
    [InlineData("""{"type": "vehicle.soc", "currentSoc": 40}""", "vehicleId")]
    [InlineData("""{"type": "vehicle.soc", "vehicleId": "a/../b", "currentSoc": 40}""", "vehicleId")]
    [InlineData("""{"vehicleId": "a1"}""", "type")]
    [InlineData("""{"type": 5}""", "type")]
    [InlineData("""{"type": "vehicle.plug-status", "vehicleId": "a1", "currentState": "Sideways"}""", "currentState")]
    [InlineData("""{"type": "vehicle.charging-status", "vehicleId": "a1", "currentState": "Charging", "vehicleState": {"location": {"latitude": 91, "longitude": 0}}}""", "latitude")]
    [InlineData("""{"type": "vehicle.charging-command", "vehicleId": "a1", "action": "charge-start"}""", "success")]
    [InlineData("""{"type": "user.devices-connected", "user": "u1", "devices": [5]}""", "devices")]
    [InlineData("""{"type": "vehicle.soc", "vehicleId": "a1\u0000"}""", "vehicleId")]
    [InlineData("""[1, 2]""", "object")]
    [InlineData("""{"type": "vehicle.soc",""", "JSON")]
    [InlineData("", "JSON")]
    public void Invalid_payload_is_refused_with_a_reason_that_names_the_problem(string json, string mentioned)
    {
        var outcome = TelematicaParser.Parse(Fixture.Utf8(json), Fixture.ReceivedAt, Fixture.Limit);

        Assert.Contains(mentioned, Assert.IsType<ParseOutcome.Invalid>(outcome).Reason);
    }

    [Fact]
    public void Deeply_nested_json_is_refused()
    {
        var json = "{\"type\":\"vehicle.soc\",\"x\":" + new string('[', 200) + new string(']', 200) + "}";

        Assert.IsType<ParseOutcome.Invalid>(TelematicaParser.Parse(Fixture.Utf8(json), Fixture.ReceivedAt, Fixture.Limit));
    }

    [Fact]
    public void Miles_are_converted_to_km()
    {
        var json = """{"type":"vehicle.soc","vehicleId":"a1","vehicleState":{"batteryState":{"range":100,"rangeUnit":"mi"}}}""";

        var vehicle = (ForVehicle)Assert.IsType<ParseOutcome.Accepted>(TelematicaParser.Parse(Fixture.Utf8(json), Fixture.ReceivedAt, Fixture.Limit)).Deliveries[0];

        Assert.Equal(160.9344, Assert.Single(vehicle.Events.OfType<RangeReported>()).Km, 6);
    }
}

public sealed class VolterasParserTests
{
    public static TheoryData<string> Examples => new(Fixture.Files("volteras"));

    private static string TypeOf(string file)
    {
        var name = Path.GetFileName(file);
        return name.StartsWith("device.telemetry", StringComparison.Ordinal) ? "device.telemetry" : string.Join('.', name.Split('.')[..2]);
    }

    private static IReadOnlyList<Routed> Accept(string file, string? type = null)
    {
        var outcome = VolterasParser.Parse(Fixture.Bytes(file), type ?? TypeOf(file), Fixture.ReceivedAt, Fixture.Limit);
        return Assert.IsType<ParseOutcome.Accepted>(outcome).Deliveries;
    }

    private static T Single<T>(string file) where T : VehicleEvent =>
        Assert.IsType<T>(Assert.Single(Assert.IsType<ForVehicle>(Assert.Single(Accept(file))).Events));

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_is_accepted_on_its_typed_path(string file)
    {
        var outcome = VolterasParser.Parse(Fixture.Bytes(file), TypeOf(file), Fixture.ReceivedAt, Fixture.Limit);

        Assert.Equal(TypeOf(file), Assert.IsType<ParseOutcome.Accepted>(outcome).EventType);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Untyped_path_infers_the_type_except_for_the_ambiguous_connection_shape(string file)
    {
        var outcome = VolterasParser.Parse(Fixture.Bytes(file), null, Fixture.ReceivedAt, Fixture.Limit);

        if (TypeOf(file) is "device.connected" or "device.disconnected")
        {
            Assert.Contains("same shape", Assert.IsType<ParseOutcome.Invalid>(outcome).Reason);
        }
        else
        {
            Assert.Equal(TypeOf(file), Assert.IsType<ParseOutcome.Accepted>(outcome).EventType);
        }
    }

    [Fact]
    public void All_eleven_metric_types_map_to_their_readings()
    {
        var at = DateTimeOffset.Parse("2024-01-15T10:30:00Z");
        Assert.Equal(new StateOfChargeReported(85.5) { At = at }, Single<StateOfChargeReported>("volteras/device.telemetry.STATE_OF_CHARGE.1.json"));
        Assert.Equal(65.2, Single<EnergyRemainingReported>("volteras/device.telemetry.ENERGY_REMAINING.1.json").Kwh);
        Assert.Equal(new LocationReported(37.7749, -122.4194) { At = at }, Single<LocationReported>("volteras/device.telemetry.LOCATION.1.json"));
        Assert.Equal(45230.5, Single<OdometerReported>("volteras/device.telemetry.ODOMETER.1.json").Km);
        Assert.Equal(320.8, Single<RangeReported>("volteras/device.telemetry.RANGE.1.json").Km);
        Assert.Equal(new TirePressureReported("FRONT_LEFT", 240.5) { At = at }, Single<TirePressureReported>("volteras/device.telemetry.TIRES.1.json"));
        var alert = Single<OemAlertReported>("volteras/device.telemetry.OEM_ALERT.1.json");
        Assert.Equal(("BMS_001", true, "HIGH", "BATTERY_MONITORING_FAILED"), (alert.Code, alert.Active, alert.Severity, alert.MappedCode));
        Assert.Equal("CHARGING", Single<ChargingStateReported>("volteras/device.telemetry.CHARGING_STATE.1.json").State);
        var departures = Single<DepartureTimesReported>("volteras/device.telemetry.DEPARTURE_TIMES.1.json").Departures;
        Assert.Equal([(8, 30), (17, 0)], departures.Select(d => (d.Hour, d.Minute)));
        Assert.Equal(5, departures[0].DaysOfWeek.Count);
        var charging = Single<ChargingDataReported>("volteras/device.telemetry.OTHER_CHARGING_DATA.1.json");
        Assert.Equal(new ChargingDataReported(90, 45, 11, 32, false, "ENGAGED") { At = at }, charging);
        var motion = Single<MotionReported>("volteras/device.telemetry.OTHER_LOCATION_DATA.derived.json");
        Assert.Equal(new MotionReported(54.5, 270, 16.2) { At = at }, motion);
    }

    /// <summary>A published example with its reading's unit (and value) replaced.</summary>
    private static T WithUnit<T>(string file, string reading, string unit, double value) where T : VehicleEvent
    {
        var json = JsonNode.Parse(Fixture.Bytes(file))!;
        json[reading]!["unit"] = unit;
        json[reading]!["value"] = value;
        var outcome = VolterasParser.Parse(Fixture.Utf8(json.ToJsonString()), "device.telemetry", Fixture.ReceivedAt, Fixture.Limit);
        return Assert.IsType<T>(Assert.Single(Assert.IsType<ForVehicle>(Assert.Single(Assert.IsType<ParseOutcome.Accepted>(outcome).Deliveries)).Events));
    }

    [Theory]
    [InlineData("mi", 100, 160.9344)]
    [InlineData("MILES", 2.5, 4.02336)]
    [InlineData("km", 100, 100)]
    [InlineData("m", 1500, 1.5)]
    public void Volteras_distances_arrive_in_km(string unit, double value, double km)
    {
        Assert.Equal(km, WithUnit<OdometerReported>("volteras/device.telemetry.ODOMETER.1.json", "odometer", unit, value).Km, 9);
        Assert.Equal(km, WithUnit<RangeReported>("volteras/device.telemetry.RANGE.1.json", "range", unit, value).Km, 9);
    }

    [Theory]
    [InlineData("bar", 2.4, 240)]
    [InlineData("BAR", 2.55, 255)]
    [InlineData("psi", 35, 241.316495)]
    [InlineData("PSI", 32, 220.632224)]
    [InlineData("kPa", 240.5, 240.5)]
    public void Volteras_tire_pressures_arrive_in_kpa(string unit, double value, double kpa) =>
        Assert.Equal(kpa, WithUnit<TirePressureReported>("volteras/device.telemetry.TIRES.1.json", "pressure", unit, value).Kpa, 6);

    [Fact]
    public void A_volteras_reading_in_a_unit_of_another_quantity_is_refused()
    {
        var json = JsonNode.Parse(Fixture.Bytes("volteras/device.telemetry.TIRES.1.json"))!;
        json["pressure"]!["unit"] = "km";
        var outcome = VolterasParser.Parse(Fixture.Utf8(json.ToJsonString()), "device.telemetry", Fixture.ReceivedAt, Fixture.Limit);
        Assert.Contains("not a pressure unit", Assert.IsType<ParseOutcome.Invalid>(outcome).Reason);
    }

    [Fact]
    public void Telemetry_names_the_vehicle_by_volteras_id_and_vin()
    {
        var vehicle = Assert.IsType<ForVehicle>(Assert.Single(Accept("volteras/device.telemetry.STATE_OF_CHARGE.1.json")));

        Assert.Equal("WBYF2AW010FN82675", vehicle.Identity.Vin);
        Assert.Equal(["volteras:h283d-h9v1j-51p5d-pqv5p-b4q33"], vehicle.Identity.Aliases);
    }

    [Fact]
    public void Connected_and_disconnected_set_connectivity()
    {
        Assert.True(Single<ConnectivityReported>("volteras/device.connected.json").Online);
        Assert.False(Assert.IsType<ConnectivityReported>(Assert.Single(
            Assert.IsType<ForVehicle>(Assert.Single(Accept("volteras/device.disconnected.json", "device.disconnected"))).Events)).Online);
    }

    [Fact]
    public void Failed_command_keeps_its_reason()
    {
        var report = Single<CommandStatusReported>("volteras/command.updated.2.json");

        Assert.Equal(("SET_TEMPERATURE", "FAILED", "Vehicle not connected to network"), (report.Command, report.Status, report.Reason));
    }

    [Fact]
    public void Alert_goes_to_the_alert_twin_linked_by_vin_and_is_stamped_with_its_update_time()
    {
        var alert = Assert.IsType<ForAlert>(Assert.Single(Accept("volteras/alert.updated.2.json")));

        Assert.Equal("h9v1j-51p5d-pqv5p-b4q33-h283d", alert.AlertId);
        Assert.Equal("WBYF2AW010FN82676", alert.Vehicle?.Vin);
        Assert.Equal(("RESOLVED", "MEDIUM"), (alert.Update.Status, alert.Update.Severity));
        Assert.Equal(DateTimeOffset.Parse("2024-01-15T10:20:00Z"), alert.Update.At);
        Assert.Equal(2, Assert.Single(alert.Update.Resolutions).Steps.Count);
    }

    [Fact]
    public void Journey_with_nulls_keeps_what_is_known()
    {
        var journey = Single<JourneyRecorded>("volteras/journey.updated.4.json");

        Assert.Null(journey.DistanceKm);
        Assert.Equal(3.2, journey.EnergyUsedKwh);
        Assert.Equal(DateTimeOffset.Parse("2024-01-15T18:15:00Z"), journey.At);
    }

    [Fact]
    public void Rate_limit_is_keyed_by_domain_object_and_key()
    {
        var limit = Assert.IsType<ForRateLimit>(Assert.Single(Accept("volteras/rate_limit.updated.1.json")));

        Assert.Equal(("VEHICLE", "h283d-h9v1j-51p5d-pqv5p-b4q33", "BMW_ENERGY_API_COMMANDS"), (limit.Domain, limit.ObjectId, limit.Update.Key));
        Assert.Equal((10, 100, 3600), (limit.Update.Remaining, limit.Update.Max, limit.Update.WindowSeconds));
    }

    [Fact]
    public void Unknown_metric_type_is_accepted_as_unknown()
    {
        var json = """{"metricType":"CABIN_TEMPERATURE","vehicle":{"id":"v1"},"timestamp":"2024-01-15T10:30:00Z","value":21}""";

        Assert.IsType<ParseOutcome.UnknownType>(VolterasParser.Parse(Fixture.Utf8(json), "device.telemetry", Fixture.ReceivedAt, Fixture.Limit));
    }

    [Theory]
    [InlineData("""{"metricType":"STATE_OF_CHARGE","vehicle":{"id":"v1"},"timestamp":"yesterday","stateOfCharge":{"value":5}}""", "timestamp")]
    [InlineData("""{"metricType":"STATE_OF_CHARGE","vehicle":{"id":"v1"},"timestamp":"2024-01-15T10:30:00Z","stateOfCharge":{"value":-1}}""", "value")]
    [InlineData("""{"metricType":"STATE_OF_CHARGE","timestamp":"2024-01-15T10:30:00Z","stateOfCharge":{"value":5}}""", "vehicle")]
    [InlineData("""{"metricType":"TIRES","vehicle":{"id":"v1"},"timestamp":"2024-01-15T10:30:00Z","pressure":{"unit":"furlongs","value":5},"position":"FL"}""", "pressure.unit")]
    [InlineData("""{"metricType":"LOCATION","vehicle":{"id":"v1"},"timestamp":"2024-01-15T10:30:00Z","location":{"value":{"latitude":10}}}""", "longitude")]
    [InlineData("""{"metricType":"ODOMETER","vehicle":{"id":"v1"},"timestamp":"2024-01-15T10:30:00Z","odometer":{"value":1e400}}""", "value")]
    public void Invalid_telemetry_is_refused_with_a_reason(string json, string mentioned)
    {
        var outcome = VolterasParser.Parse(Fixture.Utf8(json), "device.telemetry", Fixture.ReceivedAt, Fixture.Limit);

        Assert.Contains(mentioned, Assert.IsType<ParseOutcome.Invalid>(outcome).Reason);
    }

    [Fact]
    public void Payload_on_the_wrong_typed_path_is_refused()
    {
        var outcome = VolterasParser.Parse(Fixture.Bytes("volteras/rate_limit.updated.1.json"), "device.telemetry", Fixture.ReceivedAt, Fixture.Limit);

        Assert.IsType<ParseOutcome.Invalid>(outcome);
    }
}

public sealed class TrackerParserTests
{
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(2);

    public static TheoryData<string> Examples => new(Fixture.Files("tracker"));

    private static string Json(Action<Dictionary<string, object?>> change)
    {
        var payload = JsonSerializer.Deserialize<Dictionary<string, object?>>(Fixture.Bytes("tracker/overspeed.json"))!;
        change(payload);
        return JsonSerializer.Serialize(payload);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_documented_event_type_is_accepted(string file)
    {
        var parsed = TrackerParser.Parse(Fixture.Bytes(file), Skew, Fixture.Limit);

        var accepted = Assert.IsType<ParseOutcome.Accepted>(parsed.Outcome);
        Assert.Equal(Path.GetFileName(file).Split('.')[0], accepted.EventType);
        Assert.StartsWith("tracker:", parsed.DeliveryId);
    }

    [Fact]
    public void Overspeed_reports_location_and_the_event_on_the_imei_alias()
    {
        var accepted = Assert.IsType<ParseOutcome.Accepted>(TrackerParser.Parse(Fixture.Bytes("tracker/overspeed.json"), Skew, Fixture.Limit).Outcome);
        var vehicle = Assert.IsType<ForVehicle>(Assert.Single(accepted.Deliveries));
        var at = DateTimeOffset.Parse("2024-06-28T17:52:13Z");

        Assert.Equal(["imei:350612075195931"], vehicle.Identity.Aliases);
        var location = Assert.IsType<LocationReported>(vehicle.Events[0]);
        Assert.Equal((22.927968, 75.533275, at), (location.Latitude, location.Longitude, location.At));
        Assert.StartsWith("Indore", location.Address);
        Assert.Equal(new TrackerEventReported("overspeed", 50, null) { At = at }, vehicle.Events[1]);
    }

    [Fact]
    public void Same_content_gives_the_same_delivery_id_whatever_the_formatting()
    {
        var original = TrackerParser.Parse(Fixture.Bytes("tracker/overspeed.json"), Skew, Fixture.Limit).DeliveryId;
        var compact = TrackerParser.Parse(Fixture.Utf8(Json(_ => { })), Skew, Fixture.Limit).DeliveryId;
        var other = TrackerParser.Parse(Fixture.Utf8(Json(p => p["Changes"] = 51)), Skew, Fixture.Limit).DeliveryId;

        Assert.Equal(original, compact);
        Assert.NotEqual(original, other);
    }

    [Theory]
    [InlineData("IMEI", "35061207519593", "IMEI")]
    [InlineData("IMEI", "3506120751959311", "IMEI")]
    [InlineData("IMEI", "35061207519593a", "IMEI")]
    [InlineData("IMEI", "٣٥٠٦١٢٠٧٥١٩٥٩٣١", "IMEI")]
    [InlineData("Coordinates", "22.9", "Coordinates")]
    [InlineData("Coordinates", "95.0,75.5", "Coordinates")]
    [InlineData("Coordinates", "22.9,190", "Coordinates")]
    [InlineData("Coordinates", "NaN,1", "Coordinates")]
    [InlineData("Event", "", "Event")]
    [InlineData("Event", "   ", "Event")]
    [InlineData("Device_Time", "2024-06-28T18:59:45.000000+0000", "Device_Time")]
    [InlineData("Server_Time", "not a time", "Server_Time")]
    public void Documented_validation_rules_are_enforced(string field, string value, string mentioned)
    {
        var parsed = TrackerParser.Parse(Fixture.Utf8(Json(p => p[field] = value)), Skew, Fixture.Limit);

        Assert.Contains(mentioned, Assert.IsType<ParseOutcome.Invalid>(parsed.Outcome).Reason);
    }

    [Fact]
    public void Device_time_slightly_after_server_time_is_within_the_skew()
    {
        var parsed = TrackerParser.Parse(Fixture.Utf8(Json(p => p["Device_Time"] = "2024-06-28T18:50:45.000000+0000")), Skew, Fixture.Limit);

        Assert.IsType<ParseOutcome.Accepted>(parsed.Outcome);
    }

    [Fact]
    public void Geofence_event_without_a_geofence_name_is_refused()
    {
        var parsed = TrackerParser.Parse(Fixture.Utf8(Json(p => p["Event"] = "geofence_enter")), Skew, Fixture.Limit);

        Assert.Contains("Geofence_Name", Assert.IsType<ParseOutcome.Invalid>(parsed.Outcome).Reason);
    }

    [Fact]
    public void Unknown_event_keeps_its_location_and_time_as_an_alarm_of_its_kind()
    {
        var accepted = Assert.IsType<ParseOutcome.Accepted>(TrackerParser.Parse(Fixture.Utf8(Json(p => p["Event"] = "Ignition_On")), Skew, Fixture.Limit).Outcome);
        var vehicle = Assert.IsType<ForVehicle>(Assert.Single(accepted.Deliveries));
        var at = DateTimeOffset.Parse("2024-06-28T17:52:13Z");

        Assert.Equal("ignition_on", accepted.EventType);
        var location = Assert.IsType<LocationReported>(vehicle.Events[0]);
        Assert.Equal((22.927968, 75.533275, at), (location.Latitude, location.Longitude, location.At));
        Assert.Equal(new TrackerEventReported("ignition_on", 50, null) { At = at }, vehicle.Events[1]);
    }
}
