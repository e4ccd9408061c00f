using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Accounts;
using FleetTwins.Grains.Alerts;
using FleetTwins.Grains.Chargers;
using FleetTwins.Grains.Identity;
using FleetTwins.Grains.RateLimits;
using FleetTwins.Grains.Serialization;
using FleetTwins.Grains.Vehicles;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.TypeSystem;

namespace FleetTwins.Grains.Tests.Serialization;

/// <summary>
/// Grain state as the build before the aliases and the namespace move stored it: every provider fixture
/// applied to one vehicle, a charger, an alert, an account, a rate limit and an alias, serialized by that build with
/// Orleans' binary serializer (Fixtures/legacy-states-before-aliases.json, payload = the bytes, expected = what that build
/// read back, as JSON). The current build must read the same values from the same bytes.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StoredStateCarryOverTests(ClusterFixture fixture)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly JsonObject Fixture =
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-states-before-aliases.json")))!.AsObject();

    private static Serializer NewSerializer(bool legacyNames)
    {
        var services = new ServiceCollection().AddSerializer(b => b
            .AddAssembly(typeof(VehicleTwinState).Assembly).AddAssembly(typeof(VehicleTwin).Assembly));
        if (legacyNames)
        {
            services.AddSingleton<ITypeConverter, LegacyTypeNames>();
        }

        return services.BuildServiceProvider().GetRequiredService<Serializer>();
    }

    public static TheoryData<string> States => ["vehicle", "vehicle-merged", "alias", "charger", "alert", "account", "ratelimit"];

    [Theory]
    [MemberData(nameof(States))]
    public void State_stored_by_the_previous_build_reads_back_with_every_value(string name)
    {
        var serializer = NewSerializer(legacyNames: true);
        var payload = Convert.FromBase64String(Fixture[name]!["payload"]!.GetValue<string>());

        var state = Read(serializer, name, payload);

        var expected = Fixture[name]!["expected"]!;
        var actual = JsonSerializer.SerializeToNode(state, state.GetType(), Json)!;
        AssertContains(expected, actual, name);
        // And it is written again under the new names, and read back the same.
        var again = Read(serializer, name, Write(serializer, state));
        AssertContains(expected, JsonSerializer.SerializeToNode(again, again.GetType(), Json)!, name);
    }

    [Theory]
    [InlineData("FleetTwins.Events.StateOfChargeReported,FleetTwins.Abstractions", typeof(StateOfChargeReported))]
    [InlineData("System.Collections.Generic.List`1[[FleetTwins.Events.DepartureTime,FleetTwins.Abstractions]]", typeof(List<DepartureTime>))]
    [InlineData("System.Collections.Generic.Dictionary`2[[System.String,System.Private.CoreLib],[FleetTwins.Vehicles.Measurement,FleetTwins.Abstractions]]",
        typeof(Dictionary<string, Measurement>))]
    public void A_type_name_from_before_the_namespace_move_resolves_to_the_type_now(string legacy, Type expected)
    {
        var names = new LegacyTypeNames(new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<TypeResolver>());

        Assert.True(names.TryParse(legacy, out var type));
        Assert.Equal(expected, type);
        Assert.False(names.TryParse("FleetTwins.Grains.Vehicles.VehicleTwinState,FleetTwins.Grains", out _));
    }

    [Fact]
    public void A_polymorphic_value_is_written_under_its_alias_not_its_type_name()
    {
        var bytes = NewSerializer(legacyNames: true).SerializeToArray<object>(new StateOfChargeReported(50));
        var text = Encoding.UTF8.GetString(bytes);

        Assert.Contains("ft.StateOfChargeReported", text);
        Assert.DoesNotContain("FleetTwins.Abstractions", text);
    }

    [Fact]
    public void The_legacy_vehicle_keeps_its_delivery_log_and_recognises_an_old_delivery()
    {
        var state = NewSerializer(legacyNames: true).Deserialize<VehicleTwinState>(
            Convert.FromBase64String(Fixture["vehicle"]!["payload"]!.GetValue<string>()))!;

        Assert.True(state.Deliveries.Contains("legacy-delivery-as-string"));
        Assert.True(state.Deliveries.Contains("volteras:device.telemetry.STATE_OF_CHARGE.1"));
        Assert.False(state.Deliveries.Contains("never-delivered"));
        Assert.Equal(44, state.Version);
    }

    [Fact]
    public async Task A_stored_twin_holding_two_vins_lets_the_second_go_when_it_activates()
    {
        var state = NewSerializer(legacyNames: true).Deserialize<VehicleTwinState>(
            Convert.FromBase64String(Fixture["vehicle"]!["payload"]!.GetValue<string>()))!;
        Assert.True(state.Aliases.Count(a => a.StartsWith("vin:", StringComparison.Ordinal)) > 1); // how twins were merged before a twin kept one VIN
        var identity = new TwinIdentity($"legacy-{Guid.NewGuid():N}", state, fixture.Client, new TwinTurns(), fixture.Clock, _ => Task.CompletedTask);

        var raised = new List<Notification>();
        Assert.True(await identity.ReleaseExtraVinsAsync(raised));

        Assert.Equal([$"vin:{state.Vin}"], state.Aliases.Where(a => a.StartsWith("vin:", StringComparison.Ordinal)));
        Assert.Contains(state.AliasHistory, c => c.Source == "repair" && c.To is null);
        Assert.All(raised, n => Assert.Equal("identity-changed", n.Type));
        Assert.False(await identity.ReleaseExtraVinsAsync([]));
    }

    private static object Read(Serializer serializer, string name, byte[] payload) => name switch
    {
        "vehicle" or "vehicle-merged" => serializer.Deserialize<VehicleTwinState>(payload)!,
        "alias" => serializer.Deserialize<AliasState>(payload)!,
        "charger" => serializer.Deserialize<ChargerState>(payload)!,
        "alert" => serializer.Deserialize<AlertState>(payload)!,
        "account" => serializer.Deserialize<AccountState>(payload)!,
        "ratelimit" => serializer.Deserialize<RateLimitStore>(payload)!,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static byte[] Write(Serializer serializer, object state) => state switch
    {
        VehicleTwinState s => serializer.SerializeToArray(s),
        AliasState s => serializer.SerializeToArray(s),
        ChargerState s => serializer.SerializeToArray(s),
        AlertState s => serializer.SerializeToArray(s),
        AccountState s => serializer.SerializeToArray(s),
        RateLimitStore s => serializer.SerializeToArray(s),
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>Every value of <paramref name="expected"/> is in <paramref name="actual"/> (which may have more members).</summary>
    private static void AssertContains(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected)
        {
            case JsonObject members:
                var other = Assert.IsType<JsonObject>(actual, exactMatch: false);
                foreach (var (key, value) in members)
                {
                    Assert.True(other.ContainsKey(key), $"{path}.{key} is missing");
                    AssertContains(value, other[key], $"{path}.{key}");
                }

                break;
            case JsonArray items:
                var list = Assert.IsType<JsonArray>(actual, exactMatch: false);
                Assert.True(items.Count == list.Count, $"{path}: {items.Count} items expected, {list.Count} read");
                for (var i = 0; i < items.Count; i++)
                {
                    AssertContains(items[i], list[i], $"{path}[{i}]");
                }

                break;
            default:
                Assert.True(JsonNode.DeepEquals(expected, actual), $"{path}: expected {expected?.ToJsonString()}, read {actual?.ToJsonString()}");
                break;
        }
    }
}
