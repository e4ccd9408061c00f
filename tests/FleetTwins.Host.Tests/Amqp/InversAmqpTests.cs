using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Amqp;

public sealed class InversAmqpTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    internal static Dictionary<string, string> Settings(AmqpQueue queue, Dictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__RabbitMQ"] = TestServices.RabbitMQ,
            ["Ingestion__Invers__Queues__0"] = queue.Name,
            ["Ingestion__Invers__ParkingQueue"] = queue.ParkingQueue,
            ["Ingestion__Invers__MaxDeliveryTime"] = "00:00:20",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    internal static string Event(string id, string vehicle, string type, string data, int version = 2, string occurredAt = "2020-01-30T13:22:05Z") =>
        "{\"metadata\":{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"schema_major_version\":" + version +
        ",\"occurred_at\":\"" + occurredAt + "\"},\"data\":{\"vehicle_id\":\"" + vehicle + "\"" + data + "}}";

    /// <summary>A <c>data.state</c> fragment with one property whose value and minute are <paramref name="n"/>.</summary>
    internal static string State(string property, int n) =>
        ",\"state\":{\"" + property + "\":{\"timestamp\":\"2020-01-30T13:" + n.ToString("00") + ":00Z\",\"value\":" + n + "}}";

    internal static async Task<JsonElement?> TwinAsync(HostProcess host, string inversId)
    {
        var response = await host.Http.GetAsync($"/api/vehicles/resolve?provider=invers&id={inversId}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    internal static Task<long> VersionSumAsync(HostProcess host, IEnumerable<string> vehicles) => Task.WhenAll(vehicles.Select(async v =>
        await TwinAsync(host, v) is { } twin ? twin.GetProperty("version").GetInt64() : 0L)).ContinueWith(t => t.Result.Sum());

    /// <summary>
    /// Exactly once, checked once quiet: after the broker has no message of <paramref name="queue"/> left (the last
    /// acknowledgement) and no twin's version changed for five seconds, every twin has applied each of its
    /// <paramref name="perVehicle"/> events once (its version) and ends at the last one (<paramref name="reading"/> = <paramref name="last"/>).
    /// </summary>
    internal static async Task AssertEachAppliedOnceAsync(
        HostProcess host, AmqpQueue queue, IReadOnlyList<string> vehicles, int perVehicle, string reading, double last, TimeSpan within)
    {
        await Eventually.ReturnsAsync(queue.UnacknowledgedAsync, n => n == 0, within, $"every message of {queue.Name} acknowledged");
        await Eventually.SettledAsync(() => Task.WhenAll(vehicles.Select(v => TwinAsync(host, v)))
                .ContinueWith(t => string.Join(' ', t.Result.Select(twin => twin?.GetProperty("version").GetInt64() ?? 0))),
            TimeSpan.FromSeconds(5), within, "the twins' versions");
        var wrong = new List<string>();
        foreach (var vehicle in vehicles)
        {
            var twin = await TwinAsync(host, vehicle);
            var (version, value) = twin is { } t ? (t.GetProperty("version").GetInt64(), t.GetProperty(reading).GetProperty("value").GetDouble()) : (0, -1);
            if (version != perVehicle || value != last)
            {
                wrong.Add($"{vehicle}: version {version} (expected {perVehicle}), {reading} {value} (expected {last})");
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {vehicles.Count} twins not applied exactly once:\n{string.Join('\n', wrong.Take(10))}");
    }

    [Fact]
    public async Task Every_invers_event_type_reaches_the_twin()
    {
        await using var queue = await AmqpQueue.CreateAsync();
        await using var host = await HostProcess.StartAsync(Settings(queue));

        foreach (var file in WebhookSender.Fixtures("invers").Where(f => !f.Contains("TripDiscarded")))
        {
            var body = Encoding.UTF8.GetString(WebhookSender.Fixture(file));
            using var json = JsonDocument.Parse(body);
            var metadata = json.RootElement.GetProperty("metadata");
            await queue.PublishAsync(body, metadata.GetProperty("id").GetString(), metadata.GetProperty("type").GetString(),
                metadata.GetProperty("schema_major_version").GetInt32());
        }

        var twin = await Eventually.ReturnsAsync(() => TwinAsync(host, "INV-1001"),
            t => t is { } x && x.GetProperty("trips").GetArrayLength() == 1 && x.GetProperty("trips")[0].TryGetProperty("distanceKm", out var d)
                && d.ValueKind == JsonValueKind.Number && x.GetProperty("alarms").GetArrayLength() == 2 && x.GetProperty("rental").ValueKind != JsonValueKind.Null
                && x.GetProperty("masterData").ValueKind != JsonValueKind.Null && x.GetProperty("odometer").ValueKind != JsonValueKind.Null,
            Within, "every INVERS event applied");

        var t = twin!.Value;
        Assert.Equal(12873.4, t.GetProperty("odometer").GetProperty("value").GetDouble());
        Assert.Equal("invers", t.GetProperty("odometer").GetProperty("source").GetString());
        Assert.Equal(64, t.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
        Assert.Equal(52.5163, t.GetProperty("location").GetProperty("latitude").GetDouble());
        Assert.Equal("LOCKED", t.GetProperty("status").GetProperty("central_lock").GetProperty("value").GetString());
        Assert.True(t.GetProperty("rental").GetProperty("inRental").GetBoolean());
        Assert.Equal("Niu", t.GetProperty("masterData").GetProperty("make").GetString());
        Assert.Equal("WVWZZZ1KZ6W000001", t.GetProperty("vin").GetString());
        Assert.Equal(4.7, t.GetProperty("trips")[0].GetProperty("distanceKm").GetDouble());
        Assert.Equal(JsonValueKind.Null, t.GetProperty("currentTrip").ValueKind);
        Assert.Equal(["smoke_data_ready", "smoke_detected"], t.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Redelivered_message_is_applied_once()
    {
        await using var queue = await AmqpQueue.CreateAsync();
        await using var host = await HostProcess.StartAsync(Settings(queue));
        var vehicle = $"V-{Guid.NewGuid():N}"[..20];
        var body = Event("01DUP", vehicle, "VehicleStateRecorded", ""","state":{"mileage_in_kilometers":{"timestamp":"2020-01-30T13:20:00Z","value":5}}""");

        await queue.PublishAsync(body, "01DUP");
        await queue.PublishAsync(body, "01DUP");
        await queue.PublishAsync(Event("01LAST", vehicle, "VehicleStateRecorded", ""","state":{"central_lock":{"timestamp":"2020-01-30T13:25:00Z","value":"OPEN"}}"""), "01LAST");

        var twin = await Eventually.ReturnsAsync(() => TwinAsync(host, vehicle),
            t => t is { } x && x.GetProperty("status").TryGetProperty("central_lock", out _), Within, "the last event applied");
        Assert.Equal(2, twin!.Value.GetProperty("version").GetInt64());
        Assert.Equal(0u, await queue.ReadyAsync(queue.Name));
    }

    [Fact]
    public async Task Poison_message_is_parked_with_its_reason_and_the_queue_keeps_flowing()
    {
        await using var queue = await AmqpQueue.CreateAsync();
        await using var host = await HostProcess.StartAsync(Settings(queue));
        var vehicle = $"V-{Guid.NewGuid():N}"[..20];

        await queue.PublishAsync("this is not json", "poison-1");
        await queue.PublishAsync(Event("01V3", vehicle, "VehicleStateRecorded", "", version: 3), "01V3");
        await queue.PublishAsync(Event("01UNKNOWN", vehicle, "VehicleWashed", ""), "01UNKNOWN");
        await queue.PublishAsync(Event("01GOOD", vehicle, "VehicleChanged", ""","vehicle":{"id":"ignored","rental_status":{"value":"IN_RENTAL"}}"""), "01GOOD");

        await Eventually.ReturnsAsync(() => TwinAsync(host, vehicle), t => t is not null, Within, "the good event applied");
        var parked = await Eventually.ReturnsAsync(() => host.Http.GetFromJsonAsync<List<ParkedView>>("/api/parked?limit=10"),
            p => p?.Count == 2, Within, "two messages parked");

        Assert.Contains(parked!, p => p.MessageId == "poison-1" && p.Reason.Contains("JSON") && p.OriginalQueue == queue.Name);
        Assert.Contains(parked!, p => p.MessageId == "01V3" && p.Reason.Contains("schema_major_version 3"));
        Assert.Equal(0u, await queue.ReadyAsync(queue.Name));

        // Replay puts them back on their queue, where they are parked again: nothing is lost either way.
        var replay = await host.Http.PostAsync("/api/parked/replay", null);
        Assert.Equal(2, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetInt32());
        await Eventually.ReturnsAsync(() => host.Http.GetFromJsonAsync<List<ParkedView>>("/api/parked?limit=10"),
            p => p?.Count == 2, Within, "the replayed messages parked again");
    }

    [Fact]
    public async Task A_message_with_a_key_twice_or_an_unpaired_surrogate_is_parked_with_its_reason()
    {
        await using var queue = await AmqpQueue.CreateAsync();
        await using var host = await HostProcess.StartAsync(Settings(queue));
        var vehicle = $"V-{Guid.NewGuid():N}"[..20];

        await queue.PublishAsync(Event("01TWICE", vehicle, "VehicleStateRecorded", State("mileage_in_kilometers", 42).Replace("\"value\":42", "\"value\":42,\"value\":99", StringComparison.Ordinal)),
            "01TWICE", "VehicleStateRecorded", 2);
        await queue.PublishAsync(Event("01HALF", vehicle, "VehicleStateRecorded", ",\"note\":\"\\ud800\"" + State("mileage_in_kilometers", 43)), "01HALF", "VehicleStateRecorded", 2);
        await queue.PublishAsync(Event("01NOW", vehicle, "VehicleStateRecorded", State("mileage_in_kilometers", 7)), "01NOW", "VehicleStateRecorded", 2);

        var twin = await Eventually.ReturnsAsync(() => TwinAsync(host, vehicle), t => t is not null, Within, "the readable reading applied");
        var parked = await Eventually.ReturnsAsync(() => host.Http.GetFromJsonAsync<List<ParkedView>>("/api/parked?limit=10"),
            p => p?.Count == 2, Within, "the unreadable messages parked");

        // Both would have won: their readings are later than 13:07.
        Assert.Equal(7, twin!.Value.GetProperty("odometer").GetProperty("value").GetDouble());
        Assert.Contains(parked!, p => p.MessageId == "01TWICE" && p.Reason.Contains("Duplicate property 'value'"));
        Assert.Contains(parked!, p => p.MessageId == "01HALF" && p.Reason.Contains("unpaired UTF-16 surrogate"));
    }

    [Fact]
    public async Task A_message_dated_far_in_the_future_is_parked_and_later_readings_apply()
    {
        await using var queue = await AmqpQueue.CreateAsync();
        await using var host = await HostProcess.StartAsync(Settings(queue));
        var vehicle = $"V-{Guid.NewGuid():N}"[..20];

        await queue.PublishAsync(Event("01FUTURE", vehicle, "VehicleStateRecorded",
            ",\"state\":{\"mileage_in_kilometers\":{\"timestamp\":\"9999-12-31T00:00:00Z\",\"value\":99}}"), "01FUTURE", "VehicleStateRecorded", 2);
        await queue.PublishAsync(Event("01NOW", vehicle, "VehicleStateRecorded", State("mileage_in_kilometers", 7)), "01NOW", "VehicleStateRecorded", 2);

        var twin = await Eventually.ReturnsAsync(() => TwinAsync(host, vehicle), t => t is not null, Within, "the real reading applied");
        var parked = await Eventually.ReturnsAsync(() => host.Http.GetFromJsonAsync<List<ParkedView>>("/api/parked?limit=10"),
            p => p?.Count == 1, Within, "the future-dated message parked");

        Assert.Equal(7, twin!.Value.GetProperty("odometer").GetProperty("value").GetDouble());
        Assert.Contains(parked!, p => p.MessageId == "01FUTURE" && p.Reason.Contains("ahead of this host's clock"));
    }

    [Fact]
    public async Task Stopping_the_silo_that_consumes_the_queue_mid_stream_hands_it_over_and_loses_nothing()
    {
        const int vehicles = 20, perVehicle = 10;
        await using var database = await PostgresDatabase.CreateAsync();
        await using var queue = await AmqpQueue.CreateAsync();
        var cluster = new Dictionary<string, string>
        {
            ["FleetTwins__Profile"] = "Cluster",
            ["Ingestion__Telematica__Enabled"] = "false",
            ["Ingestion__Volteras__Enabled"] = "false",
            ["Ingestion__Tracker__Enabled"] = "false",
            ["FleetTwins__ClusterId"] = database.Name,
            ["FleetTwins__MigrateOnStart"] = "true",
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
        };
        await using var first = await HostProcess.StartAsync(Settings(queue, cluster));
        await using var second = await HostProcess.StartAsync(Settings(queue, cluster));
        var ids = Enumerable.Range(0, vehicles).Select(i => $"C-{Guid.NewGuid():N}"[..16] + i).ToList();
        var events = (from n in Enumerable.Range(0, perVehicle) from v in ids select (v, n)).ToList();
        HostProcess? stopped = null;

        for (var i = 0; i < events.Count; i++)
        {
            var (vehicle, n) = events[i];
            var id = $"{vehicle}-{n}";
            await queue.PublishAsync(Event(id, vehicle, "VehicleStateRecorded",
                State("remaining_range_in_kilometers", n)), id);
            if (i == events.Count / 2)
            {
                // The one that holds the queue, whichever it is: the other must take it over.
                stopped = await AmqpConsumers.ConsumerAsync([first, second], queue.Name, TimeSpan.FromSeconds(30));
                await stopped.StopAsync();
            }
        }

        var survivor = stopped == first ? second : first;
        await AssertEachAppliedOnceAsync(survivor, queue, ids, perVehicle, "range", perVehicle - 1, TimeSpan.FromSeconds(120));
        Assert.Same(survivor, await AmqpConsumers.ConsumerAsync([first, second], queue.Name, TimeSpan.FromSeconds(30)));
        Assert.True(await AmqpConsumers.ReceivedAsync(survivor, queue.Name) > 0, "the silo left running received nothing from the queue");
    }

    private sealed record ParkedView(string? MessageId, string? Type, string OriginalQueue, string Reason, string Body);
}
