using FleetTwins.Abstractions.Events;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Providers.Invers;
using FleetTwins.Ingestion.Routing;

namespace FleetTwins.Ingestion.Tests;

public sealed class InversParserTests
{
    public static TheoryData<string> Examples => new(Fixture.Files("invers"));

    private static ForVehicle Vehicle(string file, InversMessageProperties? properties = null)
    {
        var parsed = InversParser.Parse(Fixture.Bytes(file), Fixture.Limit, properties);
        return Assert.IsType<ForVehicle>(Assert.Single(Assert.IsType<ParseOutcome.Accepted>(parsed.Outcome).Deliveries));
    }

    private static string Envelope(string type, string data, int version = 1) =>
        $$"""{"metadata":{"id":"01TEST","type":"{{type}}","schema_major_version":{{version}},"occurred_at":"2020-01-30T13:22:05Z"},"data":{{data}}}""";

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_event_type_is_accepted_with_its_metadata_id_as_delivery_id(string file)
    {
        var parsed = InversParser.Parse(Fixture.Bytes(file), Fixture.Limit);

        Assert.IsType<ParseOutcome.Accepted>(parsed.Outcome);
        Assert.StartsWith("invers:01F1FHJ7SHQK5MGF69B8K234", parsed.DeliveryId);
        Assert.Equal("INV-1001", parsed.VehicleId);
    }

    [Fact]
    public void Vehicle_state_properties_become_readings_each_at_its_own_timestamp()
    {
        var vehicle = Vehicle("invers/VehicleStateRecorded.derived.json");

        Assert.Equal(["invers:INV-1001"], vehicle.Identity.Aliases);
        Assert.Contains(new OdometerReported(12873.4) { At = DateTimeOffset.Parse("2020-01-30T13:20:00Z") }, vehicle.Events);
        Assert.Contains(new StateOfChargeReported(64) { At = DateTimeOffset.Parse("2020-01-30T13:21:00Z") }, vehicle.Events);
        Assert.Contains(new RangeReported(88) { At = DateTimeOffset.Parse("2020-01-30T13:21:00Z") }, vehicle.Events);
        Assert.Contains(new LocationReported(52.5163, 13.3777) { At = DateTimeOffset.Parse("2020-01-30T13:22:00Z") }, vehicle.Events);
        var status = vehicle.Events.OfType<DeviceStatusReported>().ToDictionary(s => s.Name, s => s.Value);
        Assert.Equal(new Dictionary<string, string>
        {
            ["driving_enabled"] = "false",
            ["central_lock"] = "LOCKED",
            ["cellular_signal_quality"] = "4",
            ["some_future_property"] = "(object)",
        }, status);
        Assert.Equal("""{"value":{"nested":true}}""", vehicle.Events.OfType<DeviceStatusReported>().Single(s => s.Name == "some_future_property").Extra);
    }

    [Fact]
    public void A_state_property_whose_name_holds_a_control_character_is_no_device_status()
    {
        var body = Envelope("VehicleStateRecorded", """{"vehicle_id":"V9","state":{"lock\u0007":{"timestamp":"2020-01-30T13:00:00Z","value":"OPEN"},"central_lock":{"timestamp":"2020-01-30T13:00:00Z","value":"LOCKED"}}}""", 2);

        var accepted = Assert.IsType<ParseOutcome.Accepted>(InversParser.Parse(Fixture.Utf8(body), Fixture.Limit).Outcome);

        Assert.Equal("central_lock", Assert.Single(((ForVehicle)accepted.Deliveries[0]).Events.OfType<DeviceStatusReported>()).Name);
    }

    [Theory]
    [InlineData("""{"vehicle_id":"V9","state":{"\ud800":{"timestamp":"2020-01-30T13:00:00Z","value":1}}}""")]
    [InlineData("""{"vehicle_id":"V9","state":{"central_lock":{"timestamp":"2020-01-30T13:00:00Z","value":"\udc00"}}}""")]
    public void A_key_or_value_holding_a_lone_surrogate_is_refused_with_a_reason(string data)
    {
        var outcome = InversParser.Parse(Fixture.Utf8(Envelope("VehicleStateRecorded", data, 2)), Fixture.Limit).Outcome;

        Assert.Contains("unpaired UTF-16 surrogate", Assert.IsType<ParseOutcome.Invalid>(outcome).Reason);
    }

    [Fact]
    public void Older_fuel_level_name_is_read_as_state_of_charge()
    {
        var body = Envelope("VehicleStateRecorded", """{"vehicle":{"id":"V9"},"fuel_level_in_percent":{"timestamp":"2020-01-30T13:00:00Z","value":30}}""", 2);

        var accepted = Assert.IsType<ParseOutcome.Accepted>(InversParser.Parse(Fixture.Utf8(body), Fixture.Limit).Outcome);

        Assert.Equal(30, Assert.IsType<StateOfChargeReported>(Assert.Single(((ForVehicle)accepted.Deliveries[0]).Events)).Percent);
    }

    [Fact]
    public void Rental_and_life_status_and_master_data_come_from_vehicle_changed()
    {
        Assert.True(Assert.IsType<RentalStatusReported>(Assert.Single(Vehicle("invers/VehicleChanged.rental.derived.json").Events)).InRental);

        var vehicle = Vehicle("invers/VehicleChanged.master-data.derived.json");
        Assert.Equal("WVWZZZ1KZ6W000001", vehicle.Identity.Vin);
        Assert.True(vehicle.Events.OfType<ConnectivityReported>().Single().Online);
        var master = vehicle.Events.OfType<MasterDataReported>().Single();
        Assert.Equal(("Niu", "NQi GTS", "Scooter 1001", "B-FT 1001", 2021, "ELECTRIC"),
            (master.Make, master.Model, master.Nickname, master.Registration, master.Year, master.EngineType));
    }

    [Fact]
    public void Trips_start_end_and_are_discarded()
    {
        Assert.Equal(new TripStarted("trip-42", 52.5, 13.4) { At = DateTimeOffset.Parse("2020-01-30T15:00:00Z") },
            Assert.Single(Vehicle("invers/TripStarted.derived.json").Events));
        var ended = Assert.IsType<TripEnded>(Assert.Single(Vehicle("invers/TripEnded.derived.json").Events));
        Assert.Equal(("trip-42", DateTimeOffset.Parse("2020-01-30T15:00:00Z")), (ended.TripId, ended.StartedAt));
        Assert.Equal(4.7, Assert.IsType<TripEnded>(Assert.Single(Vehicle("invers/TripMetricsReady.derived.json").Events)).DistanceKm);
        Assert.Equal("trip-43", Assert.IsType<TripDiscarded>(Assert.Single(Vehicle("invers/TripDiscarded.derived.json").Events)).TripId);
    }

    [Fact]
    public void Smoke_events_raise_alarms()
    {
        Assert.Equal("smoke_detected", Assert.IsType<TrackerEventReported>(Assert.Single(Vehicle("invers/SmokeDetected.derived.json").Events)).Kind);
        Assert.Equal(310.5, Assert.IsType<TrackerEventReported>(Assert.Single(Vehicle("invers/SmokeDataReady.derived.json").Events)).Value);
    }

    [Fact]
    public void Unknown_type_unknown_fields_and_unknown_enum_values_are_tolerated()
    {
        Assert.IsType<ParseOutcome.UnknownType>(InversParser.Parse(Fixture.Utf8(Envelope("VehicleDamageReported", """{"vehicle_id":"V1"}""")), Fixture.Limit).Outcome);
        var outcome = InversParser.Parse(Fixture.Utf8(Envelope("VehicleChanged", """{"vehicle":{"id":"V1","rental_status":{"value":"RESERVED"},"new_thing":[1,2]}}""")), Fixture.Limit).Outcome;
        // Nothing is read from it, and all of it is kept (NothingDroppedTests).
        var kept = Assert.IsType<MasterDataReported>(Assert.Single(((ForVehicle)Assert.IsType<ParseOutcome.Accepted>(outcome).Deliveries[0]).Events));
        Assert.Equal("""{"new_thing":[1,2],"rental_status":{"value":"RESERVED"}}""", kept.Extra);
    }

    [Fact]
    public void New_schema_major_version_of_a_known_type_is_refused_not_guessed_at()
    {
        var parsed = InversParser.Parse(Fixture.Utf8(Envelope("VehicleStateRecorded", """{"vehicle_id":"V1"}""", version: 3)), Fixture.Limit);

        Assert.Contains("schema_major_version 3", Assert.IsType<ParseOutcome.Invalid>(parsed.Outcome).Reason);
        Assert.Equal("invers:01TEST", parsed.DeliveryId);
    }

    [Fact]
    public void Version_in_the_amqp_header_is_checked_against_the_body()
    {
        var body = Fixture.Utf8(Envelope("VehicleStateRecorded", """{"vehicle_id":"V1"}""", version: 2));

        Assert.IsType<ParseOutcome.Accepted>(InversParser.Parse(body, Fixture.Limit, new InversMessageProperties("01TEST", "VehicleStateRecorded", "2")).Outcome);
        Assert.IsType<ParseOutcome.Invalid>(InversParser.Parse(body, Fixture.Limit, new InversMessageProperties("01TEST", "VehicleStateRecorded", "3")).Outcome);
        Assert.IsType<ParseOutcome.Invalid>(InversParser.Parse(body, Fixture.Limit, new InversMessageProperties("01TEST", "VehicleStateRecorded", "two")).Outcome);
    }

    [Theory]
    [InlineData("""{"vehicle_id":"V1","state":{"mileage_in_kilometers":{"timestamp":"2020-01-30T13:00:00Z","value":"lots"}}}""", "mileage_in_kilometers")]
    [InlineData("""{"vehicle_id":"V1","state":{"position":{"timestamp":"2020-01-30T13:00:00Z","value":{"lat":91,"lon":0}}}}""", "lat")]
    [InlineData("""{"vehicle_id":"V1","state":{"state_of_charge_or_fuel_level_in_percent":{"timestamp":"later","value":5}}}""", "timestamp")]
    [InlineData("""{"state":{}}""", "vehicle_id")]
    [InlineData("""{"vehicle_id":"V 1"}""", "vehicle_id")]
    public void Known_property_of_the_wrong_type_is_refused_with_a_reason(string data, string mentioned)
    {
        var parsed = InversParser.Parse(Fixture.Utf8(Envelope("VehicleStateRecorded", data, 2)), Fixture.Limit);

        Assert.Contains(mentioned, Assert.IsType<ParseOutcome.Invalid>(parsed.Outcome).Reason);
    }

    [Theory]
    [InlineData("""{"data":{}}""", "metadata")]
    [InlineData("""{"metadata":{"type":"VehicleChanged","occurred_at":"2020-01-30T13:22:05Z"},"data":{}}""", "metadata.id")]
    [InlineData("""{"metadata":{"id":"x","type":"VehicleChanged"},"data":{}}""", "occurred_at")]
    [InlineData("""not json""", "JSON")]
    public void Broken_envelope_is_refused(string json, string mentioned)
    {
        Assert.Contains(mentioned, Assert.IsType<ParseOutcome.Invalid>(InversParser.Parse(Fixture.Utf8(json), Fixture.Limit).Outcome).Reason);
    }
}
