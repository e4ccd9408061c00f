using System.Text;
using System.Text.Json;
using FleetTwins.Abstractions.Events;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Providers.Invers;
using FleetTwins.Ingestion.Providers.Telematica;
using FleetTwins.Ingestion.Providers.Tracker;
using FleetTwins.Ingestion.Providers.Volteras;
using FleetTwins.Ingestion.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FleetTwins.Ingestion.Tests;

/// <summary>Nothing a provider sends is silently dropped: fields not modelled ride along as <c>Extra</c>; units we cannot convert are refused.</summary>
public sealed class NothingDroppedTests
{
    private static ParseOutcome Volteras(string json) => VolterasParser.Parse(Fixture.Utf8(json), "device.telemetry", Fixture.ReceivedAt, Fixture.Limit);

    private static VehicleEvent Event(ParseOutcome outcome) =>
        Assert.Single(Assert.IsType<ForVehicle>(Assert.Single(Assert.IsType<ParseOutcome.Accepted>(outcome).Deliveries)).Events);

    private static JsonElement Extra(VehicleEvent e) => JsonDocument.Parse(e.Extra ?? throw new Xunit.Sdk.XunitException("no extra")).RootElement;

    private static string Telemetry(string metric, string fields) =>
        $$"""{"metricType":"{{metric}}","vehicle":{"id":"v-1","vin":"WBYF2AW010FN82675"},"timestamp":"2024-01-15T10:30:00Z",{{fields}}}""";

    [Fact]
    public void Oem_alert_keeps_its_oem_metadata_as_extra()
    {
        var alert = Event(VolterasParser.Parse(Fixture.Bytes("volteras/device.telemetry.OEM_ALERT.1.json"), "device.telemetry", Fixture.ReceivedAt, Fixture.Limit));

        Assert.Equal(("0x1234", "battery"), (Extra(alert).GetProperty("oemMetadata").GetProperty("errorCode").GetString(),
            Extra(alert).GetProperty("oemMetadata").GetProperty("subsystem").GetString()));
    }

    [Fact]
    public void Published_example_with_nothing_unmodelled_carries_no_extra()
    {
        Assert.Null(Event(VolterasParser.Parse(Fixture.Bytes("volteras/device.telemetry.STATE_OF_CHARGE.1.json"), "device.telemetry", Fixture.ReceivedAt, Fixture.Limit)).Extra);
    }

    [Fact]
    public void Unknown_fields_of_the_payload_its_value_and_its_charging_data_keys_are_kept()
    {
        var soc = Event(Volteras(Telemetry("STATE_OF_CHARGE", """ "stateOfCharge":{"unit":"percent","value":80,"quality":"estimated"},"firmware":"7.1","vehicle2":null """)));
        Assert.Equal("estimated", Extra(soc).GetProperty("stateOfCharge.quality").GetString());
        Assert.Equal("7.1", Extra(soc).GetProperty("firmware").GetString());
        Assert.False(Extra(soc).TryGetProperty("vehicle2", out _)); // a null says nothing

        var charging = Event(Volteras(Telemetry("OTHER_CHARGING_DATA",
            """ "data":[{"key":"chargePowerLevel","unit":"w","value":11000},{"key":"batteryTemperature","unit":"celsius","value":31.5}] """)));
        Assert.Equal(11, Assert.IsType<ChargingDataReported>(charging).PowerKw);
        Assert.Equal(31.5, Extra(charging).GetProperty("batteryTemperature").GetProperty("value").GetDouble());
    }

    [Fact]
    public void Extra_is_bounded_and_says_how_many_fields_it_left_out()
    {
        var fields = string.Join(',', Enumerable.Range(0, 100).Select(i => $"\"field{i}\":\"{new string('x', 60)}\""));
        var soc = Event(Volteras(Telemetry("STATE_OF_CHARGE", $$""" "stateOfCharge":{"unit":"percent","value":80},{{fields}} """)));

        Assert.True(soc.Extra!.Length <= ExtraFields.MaxBytes, $"{soc.Extra.Length} bytes");
        var kept = Extra(soc).EnumerateObject().Count(p => p.Name.StartsWith("field", StringComparison.Ordinal));
        Assert.Equal(100 - kept, Extra(soc).GetProperty("_truncated").GetInt32());
        Assert.True(kept > 10);
    }

    [Fact]
    public void Extra_with_text_that_is_not_valid_is_refused()
    {
        var outcome = Volteras(Telemetry("STATE_OF_CHARGE", """ "stateOfCharge":{"unit":"percent","value":80},"note":"\ud800" """));

        Assert.Contains("note", Assert.IsType<ParseOutcome.Invalid>(outcome).Reason);
    }

    [Theory]
    [InlineData("STATE_OF_CHARGE", """ "stateOfCharge":{"unit":"fraction","value":0.85} """, "stateOfCharge.unit 'fraction' is not percent")]
    [InlineData("LOCATION", """ "location":{"unit":"radian","value":{"latitude":0.6,"longitude":-2.1}} """, "location.unit 'radian'")]
    [InlineData("OTHER_CHARGING_DATA", """ "data":[{"key":"maxStateOfCharge","unit":"fraction","value":0.9}] """, "maxStateOfCharge.unit 'fraction'")]
    [InlineData("OTHER_CHARGING_DATA", """ "data":[{"key":"chargeRemainingTime","unit":"fortnights","value":1}] """, "chargeRemainingTime.unit 'fortnights'")]
    [InlineData("OTHER_CHARGING_DATA", """ "data":[{"key":"chargePowerLevel","unit":"hp","value":15}] """, "chargePowerLevel.unit 'hp'")]
    [InlineData("OTHER_LOCATION_DATA", """ "data":[{"key":"elevation","unit":"furlong","value":2}] """, "elevation unit 'furlong'")]
    public void A_unit_we_cannot_convert_is_refused_with_the_reason(string metric, string fields, string reason)
    {
        Assert.Contains(reason, Assert.IsType<ParseOutcome.Invalid>(Volteras(Telemetry(metric, fields))).Reason);
    }

    [Fact]
    public void Convertible_units_are_converted()
    {
        var charging = Assert.IsType<ChargingDataReported>(Event(Volteras(Telemetry("OTHER_CHARGING_DATA",
            """ "data":[{"key":"chargeRemainingTime","unit":"hours","value":1.5},{"key":"chargePowerLevel","unit":"W","value":7400}] """))));
        var motion = Assert.IsType<MotionReported>(Event(Volteras(Telemetry("OTHER_LOCATION_DATA", """ "data":[{"key":"elevation","unit":"ft","value":1000}] """))));

        Assert.Equal((90, 7.4), (charging.RemainingMinutes, charging.PowerKw));
        Assert.Equal(304.8, motion.ElevationMeters!.Value, 6);
    }

    [Fact]
    public void Telematica_vehicle_state_fields_not_modelled_go_with_its_readings()
    {
        var vehicle = Assert.IsType<ForVehicle>(Assert.Single(Assert.IsType<ParseOutcome.Accepted>(
            TelematicaParser.Parse(Fixture.Bytes("telematica/vehicle.charging-status.json"), Fixture.ReceivedAt, Fixture.Limit)).Deliveries));

        var soc = vehicle.Events.OfType<StateOfChargeReported>().Single();
        Assert.True(Extra(soc).GetProperty("chargeThresholdMet").GetBoolean());
        var master = vehicle.Events.OfType<MasterDataReported>().Single();
        Assert.Equal(("ACTIVE", "63ed07f8d2100cc452f57e3d"), (Extra(master).GetProperty("vehicleState.state").GetString(), Extra(master).GetProperty("vehicleState.id").GetString()));
        var status = vehicle.Events.OfType<ChargingStateReported>().Last();
        Assert.Equal("Charging-status change detected", Extra(status).GetProperty("message").GetString());
    }

    [Fact]
    public void Tracker_fields_the_document_does_not_name_go_with_the_alarm()
    {
        var push = """{"Event":"overspeed","Changes":50,"IMEI":"350612075195931","Device_Time":"2024-06-28T17:52:13.000000+0000","Server_Time":"2024-06-28T18:49:45.000000+0000","Coordinates":"22.9,75.5","Satellites":9,"Driver":{"id":"d-7"}}""";
        var vehicle = Assert.IsType<ForVehicle>(Assert.Single(Assert.IsType<ParseOutcome.Accepted>(TrackerParser.Parse(Fixture.Utf8(push), TimeSpan.FromMinutes(2), Fixture.Limit).Outcome).Deliveries));

        var alarm = Assert.IsType<TrackerEventReported>(vehicle.Events[1]);
        Assert.Equal((9, "d-7"), (Extra(alarm).GetProperty("Satellites").GetInt32(), Extra(alarm).GetProperty("Driver").GetProperty("id").GetString()));
    }

    [Fact]
    public void Extra_is_bounded_in_bytes_as_written_escapes_included()
    {
        // Each "é" and "<" is written escaped (\u00E9, \u003C): six bytes for one character.
        var fields = string.Join(',', Enumerable.Range(0, 40).Select(i => $"\"f{i}\":\"{new string('é', 20)}<\""));
        var soc = Event(Volteras(Telemetry("STATE_OF_CHARGE", $$""" "stateOfCharge":{"unit":"percent","value":80},{{fields}} """)));

        Assert.True(Encoding.UTF8.GetByteCount(soc.Extra!) <= ExtraFields.MaxBytes, $"{soc.Extra!.Length} bytes");
        var kept = Extra(soc).EnumerateObject().Where(p => p.Name.StartsWith('f')).ToList();
        Assert.All(kept, p => Assert.Equal(new string('é', 20) + "<", p.Value.GetString()));
        Assert.Equal(40 - kept.Count, Extra(soc).GetProperty("_truncated").GetInt32());
    }

    [Fact]
    public void A_field_sent_many_times_is_refused_and_many_fields_are_truncated()
    {
        var distinct = string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"\"n{i}\":{i}"));
        var repeated = string.Join(',', Enumerable.Repeat("\"same\":1", 50_000));

        var soc = Event(Volteras(Telemetry("STATE_OF_CHARGE", $$""" "stateOfCharge":{"unit":"percent","value":80},{{distinct}} """)));
        var refused = Assert.IsType<ParseOutcome.Invalid>(Volteras(Telemetry("STATE_OF_CHARGE", $$""" "stateOfCharge":{"unit":"percent","value":80},{{repeated}},{{distinct}} """)));

        var kept = Extra(soc).EnumerateObject().Count(p => p.Name.StartsWith('n'));
        Assert.Equal(20_000 - kept, Extra(soc).GetProperty("_truncated").GetInt32());
        Assert.Contains("Duplicate property 'same'", refused.Reason, StringComparison.Ordinal);
    }

    private static ForVehicle Invers(string json) =>
        Assert.IsType<ForVehicle>(Assert.Single(Assert.IsType<ParseOutcome.Accepted>(InversParser.Parse(Fixture.Utf8(json), Fixture.Limit).Outcome).Deliveries));

    private static string InversEnvelope(string type, string data) =>
        $$"""{"metadata":{"id":"01TEST","type":"{{type}}","schema_major_version":1,"occurred_at":"2020-01-30T13:22:05Z"},"data":{{data}}}""";

    [Fact]
    public void Invers_vehicle_fields_not_modelled_go_with_its_master_data_else_its_first_reading()
    {
        var master = Invers(File.ReadAllText(Fixture.Path("invers/VehicleChanged.master-data.derived.json"))).Events.OfType<MasterDataReported>().Single();
        Assert.Equal("Mitte", Extra(master).GetProperty("custom_fields").GetProperty("depot").GetString());
        Assert.Equal("LIFE_STATUS_CHANGED", Extra(master).GetProperty("reasons")[1].GetString());

        var rental = Assert.IsType<RentalStatusReported>(Assert.Single(Invers(File.ReadAllText(Fixture.Path("invers/VehicleChanged.rental.derived.json"))).Events));
        Assert.Equal("RENTAL_STATUS_CHANGED", Extra(rental).GetProperty("reasons")[0].GetString());

        var only = Assert.IsType<MasterDataReported>(Assert.Single(Invers(InversEnvelope("VehicleChanged", """{"vehicle":{"id":"V1","flags":["A"]}}""")).Events));
        Assert.Equal("A", Extra(only).GetProperty("flags")[0].GetString());
    }

    [Fact]
    public void Invers_state_properties_keep_their_own_fields_and_what_no_reading_takes()
    {
        var events = Invers(InversEnvelope("VehicleStateRecorded", """
            {"vehicle_id":"V1","flow":"f-1","state":{
              "mileage_in_kilometers":{"timestamp":"2020-01-30T13:20:00Z","value":12,"source":"can"},
              "position":{"value":{"lat":52.5,"lon":13.4,"accuracy":7}},
              "door_states":{"value":[{"door":"FRONT_LEFT","open":false}]},
              "firmware":"3.1",
              "a_name_longer_than_sixty_four_characters_is_no_status_but_it_is_kept_as_extra":{"value":1}}}
            """)).Events;

        var odometer = events.OfType<OdometerReported>().Single();
        Assert.Equal("can", Extra(odometer).GetProperty("source").GetString());
        Assert.Equal(("f-1", "3.1"), (Extra(odometer).GetProperty("flow").GetString(), Extra(odometer).GetProperty("firmware").GetString()));
        Assert.True(Extra(odometer).TryGetProperty("a_name_longer_than_sixty_four_characters_is_no_status_but_it_is_kept_as_extra", out _));
        Assert.Equal(7, Extra(events.OfType<LocationReported>().Single()).GetProperty("value.accuracy").GetInt32());
        var doors = events.OfType<DeviceStatusReported>().Single(s => s.Name == "door_states");
        Assert.Equal("(array)", doors.Value);
        Assert.Equal("FRONT_LEFT", Extra(doors).GetProperty("value")[0].GetProperty("door").GetString());
    }

    [Fact]
    public void Invers_state_with_nothing_but_unmodelled_fields_is_kept_as_a_status_of_its_own()
    {
        var status = Assert.IsType<DeviceStatusReported>(Assert.Single(Invers(InversEnvelope("VehicleStateRecorded", """{"vehicle_id":"V1","state":{"odd":[1]}}""")).Events));

        Assert.Equal(("unmodelled", 1), (status.Name, Extra(status).GetProperty("odd")[0].GetInt32()));
    }

    [Fact]
    public void Invers_state_property_whose_name_is_no_clean_text_is_no_status_but_kept_escaped()
    {
        var events = Invers(InversEnvelope("VehicleStateRecorded", """{"vehicle_id":"V1","state":{"central_lock":{"value":"LOCKED"},"door\u0001":{"value":1}}}""")).Events;

        var status = Assert.IsType<DeviceStatusReported>(Assert.Single(events));
        Assert.Equal("central_lock", status.Name);
        Assert.Contains("\\u0001", status.Extra); // escaped, never a raw control character
        Assert.Equal(1, Extra(status).GetProperty("door\u0001").GetProperty("value").GetInt32());
    }

    [Fact]
    public void Invers_smoke_data_keeps_its_other_measurements()
    {
        var smoke = Assert.IsType<TrackerEventReported>(Assert.Single(Invers(InversEnvelope("SmokeDataReady", """{"vehicle_id":"V1","max_pm2_5":310.5,"max_pm10":420}""")).Events));

        Assert.Equal((310.5, 420), (smoke.Value!.Value, Extra(smoke).GetProperty("max_pm10").GetInt32()));
    }
}

/// <summary>An event type no parser lists but that is applied all the same is still counted as unknown.</summary>
public sealed class UnknownButAppliedCountTests
{
    [Fact]
    public void An_unknown_tracker_event_applied_for_its_location_is_counted_as_unknown_type_under_type_unknown()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var metrics = new Telemetry.IngestionMetrics(factory, TimeProvider.System);
        var counted = new List<(string Type, string Outcome)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // This test's meter only: tests running beside it count deliveries on meters of their own.
            if (instrument.Name == "fleettwins.ingestion.deliveries" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var all = tags.ToArray();
            counted.Add(((string)all.Single(t => t.Key == "type").Value!, (string)all.Single(t => t.Key == "outcome").Value!));
        });
        listener.Start();

        metrics.Applied(Sources.Tracker, "ignition_on", new RouteResult(1, 0), TimeSpan.Zero, []);
        metrics.Applied(Sources.Tracker, "sos", new RouteResult(1, 0), TimeSpan.Zero, []);
        metrics.Applied(Sources.Tracker, "ignition_on", new RouteResult(0, 1), TimeSpan.Zero, []);

        Assert.Equal([("unknown", "unknown-type"), ("sos", "applied"), ("unknown", "duplicate")], counted);
    }
}
