using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Providers.Invers;
using FleetTwins.Ingestion.Providers.Telematica;
using FleetTwins.Ingestion.Providers.Tracker;
using FleetTwins.Ingestion.Providers.Volteras;

namespace FleetTwins.Ingestion.Tests;

/// <summary>
/// A signed body means one thing: a key twice in an object (at any depth), bytes that are not UTF-8 and an escaped
/// unpaired surrogate are refused with the reason, on every provider, rather than one reader's guess applied.
/// </summary>
public sealed class StrictJsonTests
{
    private const string Soc = """{"metricType":"STATE_OF_CHARGE","vehicle":{"id":"v1","vin":"WBY1Z4C51EV275901"},"timestamp":"2026-11-23T08:59:00Z","stateOfCharge":{"unit":"percent","value":42}}""";
    private const string Telematica = """{"type":"vehicle.charging-status","vehicleId":"t1","currentState":"Charging"}""";
    private const string Tracker = """{"Event":"sos","IMEI":"350612075195931","Device_Time":"2026-11-23T08:59:00Z","Server_Time":"2026-11-23T08:59:00Z","Coordinates":"22.9,75.5"}""";
    private const string Invers = """{"metadata":{"id":"01F","type":"VehicleStateRecorded","schema_major_version":2,"occurred_at":"2026-11-23T08:59:00Z"},"data":{"vehicle_id":"V1","state":{"mileage_in_kilometers":{"value":5}}}}""";

    public static TheoryData<string, string, string> Duplicates => new()
    {
        { "volteras", Soc.Replace("{\"metricType\":\"STATE_OF_CHARGE\",", "{\"metricType\":\"LOCATION\",\"metricType\":\"STATE_OF_CHARGE\",", StringComparison.Ordinal), "metricType" },
        { "volteras", Soc.Replace("\"vin\":", "\"vin\":\"WBY1Z4C51EV275902\",\"vin\":", StringComparison.Ordinal), "vin" },
        { "volteras", Soc.Replace("\"value\":42", "\"value\":42,\"value\":99", StringComparison.Ordinal), "value" },
        // The same key, once escaped: still the same key.
        { "volteras", Soc.Replace("\"value\":42", "\"value\":42,\"\\u0076alue\":99", StringComparison.Ordinal), "value" },
        { "telematica", Telematica.Replace("{\"type\":", "{\"type\":\"vehicle.soc\",\"type\":", StringComparison.Ordinal), "type" },
        { "tracker", Tracker.Replace("\"IMEI\":", "\"IMEI\":\"350612075195932\",\"IMEI\":", StringComparison.Ordinal), "IMEI" },
        { "invers", Invers.Replace("\"value\":5", "\"value\":5,\"value\":7", StringComparison.Ordinal), "value" },
        { "invers", Invers.Replace("{\"id\":\"01F\",", "{\"id\":\"01E\",\"id\":\"01F\",", StringComparison.Ordinal), "id" },
    };

    public static TheoryData<string, string> Surrogates => new()
    {
        { "volteras", Soc.Replace("\"id\":\"v1\"", "\"id\":\"v1\",\"note\":\"\\ud800\"", StringComparison.Ordinal) },
        { "volteras", Soc.Replace("\"vehicle\":{", "\"vehicle\":{\"\\udfff\":1,", StringComparison.Ordinal) },
        { "telematica", Telematica.Replace("\"t1\"", "\"t\\ud800\"", StringComparison.Ordinal) },
        { "tracker", Tracker.Replace("\"sos\"", "\"sos\\udc00\"", StringComparison.Ordinal) },
        { "invers", Invers.Replace("\"V1\"", "\"V1\\ud83d\"", StringComparison.Ordinal) },
    };

    [Theory]
    [MemberData(nameof(Duplicates))]
    public void A_key_twice_in_an_object_is_refused_naming_it(string provider, string body, string key)
    {
        var refused = Assert.IsType<ParseOutcome.Invalid>(Parse(provider, Fixture.Utf8(body)));

        Assert.Contains($"Duplicate property '{key}'", refused.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Surrogates))]
    public void An_escaped_unpaired_surrogate_is_refused(string provider, string body)
    {
        var refused = Assert.IsType<ParseOutcome.Invalid>(Parse(provider, Fixture.Utf8(body)));

        Assert.Contains("unpaired UTF-16 surrogate", refused.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("volteras")]
    [InlineData("telematica")]
    [InlineData("tracker")]
    [InlineData("invers")]
    public void Bytes_that_are_not_utf8_are_refused(string provider)
    {
        // An encoded surrogate (ED A0 80) and a lone continuation byte: neither is UTF-8.
        byte[][] bodies = [[.. "{\"a\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8], [.. "{\"a\":\""u8, 0x80, .. "\"}"u8]];

        Assert.All(bodies, body => Assert.Contains("not valid UTF-8", Assert.IsType<ParseOutcome.Invalid>(Parse(provider, body)).Reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("volteras", Soc)]
    [InlineData("telematica", Telematica)]
    [InlineData("tracker", Tracker)]
    [InlineData("invers", Invers)]
    public void The_same_bodies_without_them_are_accepted(string provider, string body)
    {
        Assert.IsType<ParseOutcome.Accepted>(Parse(provider, Fixture.Utf8(body)));
    }

    private static ParseOutcome Parse(string provider, byte[] body) => provider switch
    {
        "volteras" => VolterasParser.Parse(body, "device.telemetry", Fixture.ReceivedAt, Fixture.Limit),
        "telematica" => TelematicaParser.Parse(body, Fixture.ReceivedAt, Fixture.Limit),
        "tracker" => TrackerParser.Parse(body, TimeSpan.FromMinutes(2), Fixture.Limit).Outcome,
        _ => InversParser.Parse(body, Fixture.Limit).Outcome,
    };
}
