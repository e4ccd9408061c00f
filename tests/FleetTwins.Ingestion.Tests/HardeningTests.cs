using System.Text;
using FleetTwins.Abstractions.Events;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Providers.Invers;
using FleetTwins.Ingestion.Providers.Telematica;
using FleetTwins.Ingestion.Providers.Tracker;
using FleetTwins.Ingestion.Providers.Volteras;
using FleetTwins.Ingestion.Telemetry;
using FleetTwins.Signatures;
using Microsoft.Extensions.Time.Testing;

namespace FleetTwins.Ingestion.Tests;

/// <summary>What an outside attack on the parsers tried: future readings, typed paths, label values, replays.</summary>
public sealed class HardeningTests
{
    private static readonly DateTimeOffset Far = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    private static string Soc(DateTimeOffset at) =>
        $$$$$"""{"metricType":"STATE_OF_CHARGE","vehicle":{"id":"v1"},"timestamp":"{{{{{at:O}}}}}","stateOfCharge":{"value":50}}""";

    public static TheoryData<string, Func<DateTimeOffset, ParseOutcome>> EveryProvider => new()
    {
        { "volteras", at => VolterasParser.Parse(Fixture.Utf8(Soc(at)), "device.telemetry", Fixture.ReceivedAt, Fixture.Limit) },
        {
            "telematica", at => TelematicaParser.Parse(Fixture.Utf8(
                $$$$$"""{"type":"vehicle.charging-status","vehicleId":"t1","currentState":"Charging","vehicleState":{"batteryState":{"lastUpdated":"{{{{{at:O}}}}}","soc":50}}}"""),
                Fixture.ReceivedAt, Fixture.Limit)
        },
        {
            "tracker", at => TrackerParser.Parse(Fixture.Utf8(
                $$$$$"""{"Event":"sos","IMEI":"350612075195931","Device_Time":"{{{{{at:O}}}}}","Server_Time":"{{{{{at:O}}}}}","Coordinates":"22.9,75.5"}"""),
                TimeSpan.FromMinutes(2), Fixture.Limit).Outcome
        },
        {
            "invers", at => InversParser.Parse(Fixture.Utf8(
                $$$$$"""{"metadata":{"id":"01F","type":"VehicleStateRecorded","schema_major_version":2,"occurred_at":"{{{{{at:O}}}}}"},"data":{"vehicle_id":"V1","state":{"mileage_in_kilometers":{"value":5}}}}"""),
                Fixture.Limit).Outcome
        },
    };

    [Theory]
    [MemberData(nameof(EveryProvider))]
    public void A_reading_dated_far_in_the_future_is_refused_and_says_so(string provider, Func<DateTimeOffset, ParseOutcome> parse)
    {
        var refused = Assert.IsType<ParseOutcome.Invalid>(parse(Far));

        Assert.Contains("ahead of this host's clock", refused.Reason);
        Assert.IsType<ParseOutcome.Accepted>(parse(Fixture.ReceivedAt.AddMinutes(4)));
        Assert.IsType<ParseOutcome.Invalid>(parse(Fixture.ReceivedAt.AddMinutes(6)));
        Assert.NotEmpty(provider);
    }

    [Fact]
    public void A_journey_end_in_the_future_is_refused()
    {
        var body = Encoding.UTF8.GetString(Fixture.Bytes("volteras/journey.updated.1.json"))
            .Replace("\"stopTimestamp\": \"2024-01-15T10:35:00Z\"", "\"stopTimestamp\": \"9999-12-31T00:00:00Z\"", StringComparison.Ordinal);

        Assert.IsType<ParseOutcome.Invalid>(VolterasParser.Parse(Fixture.Utf8(body), "journey.updated", Fixture.ReceivedAt, Fixture.Limit));
    }

    [Theory]
    [InlineData("volteras/journey.updated.1.json", "device.disconnected")]
    [InlineData("volteras/alert.updated.1.json", "device.connected")]
    [InlineData("volteras/device.connected.json", "device.telemetry")]
    [InlineData("volteras/device.telemetry.RANGE.1.json", "command.updated")]
    public void A_payload_whose_shape_is_another_type_is_refused_on_a_typed_path(string file, string path)
    {
        var refused = Assert.IsType<ParseOutcome.Invalid>(VolterasParser.Parse(Fixture.Bytes(file), path, Fixture.ReceivedAt, Fixture.Limit));

        Assert.Contains("shape", refused.Reason);
    }

    [Fact]
    public void An_unknown_type_on_the_typed_path_is_accepted_as_unknown()
    {
        var outcome = VolterasParser.Parse(Fixture.Bytes("volteras/device.connected.json"), "device.exploded", Fixture.ReceivedAt, Fixture.Limit);

        Assert.Equal("device.exploded", Assert.IsType<ParseOutcome.UnknownType>(outcome).EventType);
    }

    [Theory]
    [InlineData("volteras", "device.telemetry", "device.telemetry")]
    [InlineData("telematica", "vehicle.soc", "vehicle.soc")]
    [InlineData("tracker", "sos", "sos")]
    [InlineData("invers", "VehicleChanged", "VehicleChanged")]
    [InlineData("volteras", "vehicle.soc", "unknown")]
    [InlineData("invers", "VehicleDamageReported", "unknown")]
    [InlineData("telematica", "", "")]
    public void Metric_labels_name_known_types_and_bucket_every_other(string provider, string type, string label)
    {
        Assert.Equal(label, IngestionMetrics.TypeLabel(provider, type));
        Assert.Equal("unknown", IngestionMetrics.TypeLabel(provider, new string('x', 3900)));
    }

    [Fact]
    public void A_message_id_is_remembered_per_provider_until_its_signature_expires()
    {
        var clock = new FakeTimeProvider(Fixture.ReceivedAt);
        var recent = new RecentMessageIds(clock);
        recent.Remember(Sources.Volteras, "msg_1", clock.GetUtcNow());

        Assert.True(recent.Contains(Sources.Volteras, "msg_1"));
        Assert.False(recent.Contains(Sources.Telematica, "msg_1"));
        clock.Advance(SvixVerifier.DefaultTolerance);
        Assert.True(recent.Contains(Sources.Volteras, "msg_1"));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False(recent.Contains(Sources.Volteras, "msg_1"));
        Assert.Equal(0, recent.Count);
    }

    [Fact]
    public void Remembered_message_ids_are_bounded()
    {
        var clock = new FakeTimeProvider(Fixture.ReceivedAt);
        var recent = new RecentMessageIds(clock, SvixVerifier.DefaultTolerance, capacity: 100);
        for (var i = 0; i < 1000; i++)
        {
            recent.Remember(Sources.Volteras, $"msg_{i}", clock.GetUtcNow().AddSeconds(i % 300));
        }

        Assert.InRange(recent.Count, 1, 100);
        Assert.True(recent.Contains(Sources.Volteras, "msg_999"));
    }
}
