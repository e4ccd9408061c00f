using System.Text.Json;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Vehicles;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FleetTwins.Grains.Tests.Vehicles;

/// <summary>What a provider sent that is not modelled (<c>TwinEvent.Extra</c>) stays on the reading it became, stored and served.</summary>
public sealed class ExtraFieldsStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static VehicleTwinState Apply(params VehicleEvent[] events)
    {
        var state = new VehicleTwinState();
        foreach (var e in events)
        {
            state.Apply(e, Sources.Volteras);
        }

        return state;
    }

    [Fact]
    public void Readings_keep_the_extra_of_the_fact_they_came_from_and_a_newer_fact_replaces_it()
    {
        var state = Apply(
            new StateOfChargeReported(80) { At = T0, Extra = """{"quality":"estimated"}""" },
            new TrackerEventReported("ignition_on", null, null) { At = T0, Extra = """{"Satellites":9}""" },
            new ConnectivityReported(true) { At = T0, Extra = """{"reasons":["LIFE_STATUS_CHANGED"]}""" },
            new RentalStatusReported(true) { At = T0, Extra = """{"reasons":["RENTAL_STATUS_CHANGED"]}""" },
            new DeviceStatusReported("some_future_property", "(object)") { At = T0, Extra = """{"value":{"nested":true}}""" });

        Assert.Equal("""{"quality":"estimated"}""", state.StateOfCharge!.Extra);
        Assert.Equal(("ignition_on", """{"Satellites":9}"""), (state.Alarms.Single().Kind, state.Alarms.Single().Extra));
        Assert.Equal("""{"reasons":["LIFE_STATUS_CHANGED"]}""", state.Connectivity!.Extra);
        Assert.Equal("""{"reasons":["RENTAL_STATUS_CHANGED"]}""", state.Rental!.Extra);
        Assert.Equal("""{"value":{"nested":true}}""", state.Status["some_future_property"].Extra);

        state.Apply(new StateOfChargeReported(79) { At = T0.AddMinutes(1) }, Sources.Volteras);
        Assert.Null(state.StateOfCharge!.Extra); // the extra belongs to the reading, not to the twin
    }

    [Fact]
    public void Extra_is_served_as_a_json_object_and_left_out_when_there_is_none()
    {
        var with = new Measurement(80, "percent", T0, Sources.Volteras) { Extra = """{"quality":"estimated","n":[1,2]}""" };

        var json = JsonSerializer.Serialize(with, JsonSerializerOptions.Web);

        Assert.Contains("\"extra\":{\"quality\":\"estimated\",\"n\":[1,2]}", json);
        Assert.Equal(with, JsonSerializer.Deserialize<Measurement>(json, JsonSerializerOptions.Web));
        Assert.DoesNotContain("extra", JsonSerializer.Serialize(with with { Extra = null }, JsonSerializerOptions.Web));
    }

    [Fact]
    public void Extra_survives_the_grain_serializer()
    {
        var serializer = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(VehicleTwinState).Assembly).AddAssembly(typeof(VehicleTwin).Assembly))
            .BuildServiceProvider().GetRequiredService<Serializer>();
        var state = Apply(
            new LocationReported(52.5, 13.4) { At = T0, Extra = """{"value.accuracy":5}""" },
            new MasterDataReported("Niu", null, null, null, null, null, null) { At = T0, Extra = """{"custom_fields":{"depot":"Mitte"}}""" });

        var back = serializer.Deserialize<VehicleTwinState>(serializer.SerializeToArray(state))!;
        var e = serializer.Deserialize<TwinEvent>(serializer.SerializeToArray<TwinEvent>(new OdometerReported(5) { At = T0, Extra = """{"a":1}""" }))!;

        Assert.Equal("""{"value.accuracy":5}""", back.Location!.Extra);
        Assert.Equal("""{"custom_fields":{"depot":"Mitte"}}""", back.MasterData!.Extra);
        Assert.Equal("""{"a":1}""", e.Extra);
    }
}
