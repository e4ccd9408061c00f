using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Api;

/// <summary>
/// History and time travel over real HTTP: readings, trips, tracks and <c>?asOf=</c> answered from what the webhooks
/// delivered, and hostile parameters answered 400 with a JSON message. Embedded profile here; the cluster profile on
/// PostgreSQL in <see cref="ClusterHistoryTests"/>.
/// </summary>
public sealed class HistoryApiTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>
{
    private HttpClient Reader => ApiKeys.Client(fixture.Host, ApiKeys.ReadOnly);

    private WebhookSender Sender => new(ApiKeys.Client(fixture.Host, null));

    public static byte[] Location(string vin, double latitude, double longitude, DateTimeOffset at)
    {
        var lat = latitude.ToString(CultureInfo.InvariantCulture);
        var lon = longitude.ToString(CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetBytes(
            $$$$"""{"metricType":"LOCATION","vehicle":{"id":"vt-{{{{vin}}}}","vin":"{{{{vin}}}}"},"timestamp":"{{{{at:O}}}}","location":{"unit":"degree","value":{"longitude":{{{{lon}}}},"latitude":{{{{lat}}}}}}}""");
    }

    public static byte[] Journey(string vin, string id, DateTimeOffset start, DateTimeOffset stop) => Encoding.UTF8.GetBytes(
        $$"""{"id":"{{id}}","vehicleId":"vt-{{vin}}","distanceTravelledKm":25.5,"odometerStart":45230.0,"odometerEnd":45255.5,"energyUsedKwh":5.2,"energyStartKwh":65.0,"energyEndKwh":59.8,"socUsed":8.0,"socStart":85,"socEnd":77,"startTimestamp":"{{start:O}}","stopTimestamp":"{{stop:O}}","startLatitude":37.7749,"startLongitude":-122.4194,"stopLatitude":37.7849,"stopLongitude":-122.4094,"vin":"{{vin}}"}""");

    private static string Q(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O"));

    [Fact]
    public async Task History_lists_accepted_readings_in_source_time_order_with_late_ones_marked_and_pages()
    {
        var vin = ApiKeys.NewVin();
        var t = DateTimeOffset.UtcNow.AddMinutes(-30);
        var sent = new (double Soc, int Minute)[] { (50, 0), (48, 5), (52, -3), (47, 10), (49, 7) };
        for (var i = 0; i < sent.Length; i++)
        {
            (await Sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, sent[i].Soc, t.AddMinutes(sent[i].Minute)), $"msg_{vin}_{i}"))
                .EnsureSuccessStatusCode();
        }

        // The same delivery again is a duplicate: history holds it once.
        (await Sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, sent[1].Soc, t.AddMinutes(sent[1].Minute)), $"msg_{vin}_1"))
            .EnsureSuccessStatusCode();

        var items = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Reader.GetFromJsonAsync<JsonElement>(
                $"/api/vehicles/{vin}/history?reading=stateOfCharge&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            items.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal([52.0, 50, 48, 49, 47], items.Select(i => i.GetProperty("value").GetDouble()));
        // 52 (minute -3) came after 50 (minute 0), and 49 (minute 7) after 47 (minute 10): both late.
        Assert.Equal([true, false, false, true, false], items.Select(i => i.GetProperty("late").GetBoolean()));
        Assert.All(items, i => Assert.Equal("percent", i.GetProperty("unit").GetString()));
        Assert.All(items, i => Assert.Equal("volteras", i.GetProperty("source").GetString()));
        Assert.Equal($"volteras:msg_{vin}_2", items[0].GetProperty("deliveryId").GetString());

        var window = await Reader.GetFromJsonAsync<JsonElement>(
            $"/api/vehicles/{vin}/history?reading=stateOfCharge&from={Q(t.AddMinutes(1))}&to={Q(t.AddMinutes(8))}");
        Assert.Equal([48.0, 49], window.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("value").GetDouble()));
    }

    [Fact]
    public async Task AsOf_serves_the_twin_as_it_was_with_the_same_etag_rules()
    {
        var vin = ApiKeys.NewVin();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        (await Sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 61, at))).EnsureSuccessStatusCode();
        var then = await Reader.GetAsync($"/api/vehicles/{vin}");
        var first = await then.Content.ReadFromJsonAsync<JsonElement>();
        var moment = DateTimeOffset.UtcNow;
        await Task.Delay(20); // the next change must be recorded after the moment asked for
        (await Sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 58, at.AddMinutes(1)))).EnsureSuccessStatusCode();
        (await Sender.VolterasAsync("device.telemetry", ApiKeys.ChargingState(vin, "CHARGING", at.AddMinutes(1)))).EnsureSuccessStatusCode();

        var now = await Reader.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vin}");
        Assert.Equal(58, now.GetProperty("stateOfCharge").GetProperty("value").GetDouble());

        var past = await Reader.GetAsync($"/api/vehicles/{vin}?asOf={Q(moment)}");
        Assert.Equal(HttpStatusCode.OK, past.StatusCode);
        var twin = await past.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(61, twin.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
        Assert.Equal(JsonValueKind.Null, twin.GetProperty("charging").ValueKind);
        Assert.Equal(first.GetProperty("version").GetInt64(), twin.GetProperty("version").GetInt64());
        Assert.Equal(then.Headers.ETag, past.Headers.ETag);

        var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/vehicles/{vin}?asOf={Q(moment)}");
        conditional.Headers.IfNoneMatch.Add(past.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await Reader.SendAsync(conditional)).StatusCode);

        var before = await Reader.GetAsync($"/api/vehicles/{vin}?asOf={Q(at.AddDays(-1))}");
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal("application/problem+json", before.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_trip_lists_its_distance_energy_and_soc_and_its_track_is_the_positions_received_during_it()
    {
        var vin = ApiKeys.NewVin();
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var stop = start.AddMinutes(35);
        var positions = Enumerable.Range(0, 12).Select(i => (Lat: 37.77 + i * 0.001, Lon: -122.42 + i * 0.001, At: start.AddMinutes(i * 4 - 4))).ToList();
        foreach (var p in positions.AsEnumerable().Reverse())
        {
            (await Sender.VolterasAsync("device.telemetry", Location(vin, p.Lat, p.Lon, p.At))).EnsureSuccessStatusCode();
        }

        (await Sender.VolterasAsync("journey.updated", Journey(vin, $"journey-{vin}", start, stop))).EnsureSuccessStatusCode();

        var trips = await Reader.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vin}/trips");
        var trip = Assert.Single(trips.GetProperty("items").EnumerateArray());
        Assert.Equal($"journey-{vin}", trip.GetProperty("id").GetString());
        Assert.Equal(25.5, trip.GetProperty("distanceKm").GetDouble());
        Assert.Equal(5.2, trip.GetProperty("energyUsedKwh").GetDouble());
        Assert.Equal(8, trip.GetProperty("socUsed").GetDouble());

        var track = await Reader.GetAsync($"/api/vehicles/{vin}/trips/journey-{vin}/track");
        Assert.Equal("application/geo+json", track.Content.Headers.ContentType?.MediaType);
        var feature = await track.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Feature", feature.GetProperty("type").GetString());
        Assert.Equal("LineString", feature.GetProperty("geometry").GetProperty("type").GetString());
        var during = positions.Where(p => p.At >= start && p.At <= stop).ToList();
        Assert.Equal(during.Count, trip.GetProperty("positions").GetInt32());
        Assert.Equal(during.Select(p => (p.Lon, p.Lat)),
            feature.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(c => (c[0].GetDouble(), c[1].GetDouble())));

        Assert.Equal(HttpStatusCode.NotFound, (await Reader.GetAsync($"/api/vehicles/{vin}/trips/nope/track")).StatusCode);
    }

    public static TheoryData<string> Hostile => new()
    {
        "/history?reading=bogus",
        "/history",
        "/history?reading=stateOfCharge&from=yesterday",
        "/history?reading=stateOfCharge&from=2026-13-45T99:00:00Z",
        "/history?reading=stateOfCharge&to=1e9",
        "/history?reading=stateOfCharge&from=2026-11-30T10:00:00Z&to=2026-11-29T10:00:00Z",
        "/history?reading=stateOfCharge&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
        "/history?reading=stateOfCharge&limit=0",
        "/history?reading=stateOfCharge&limit=1001",
        "/history?reading=stateOfCharge&limit=-5",
        "/history?reading=stateOfCharge&cursor=not-a-cursor",
        "/history?reading=stateOfCharge&cursor=dHwxfGE",
        "/trips?from=nope",
        "/trips?limit=100000",
        "/trips?cursor=%00%01",
        "/trips/t-1/track?limit=10001",
        "/trips/t-1/track?cursor=abc",
        "/notifications?from=2026-11-30T10:00:00Z&to=2026-11-30T09:00:00Z",
        "/notifications?limit=abc",
        "?asOf=not-a-time",
        "?asOf=9999-12-31T00:00:00Z",
        "?asOf=2026-11-30",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Hostile_parameters_answer_400_with_a_json_message(string query)
    {
        var vin = ApiKeys.NewVin();
        (await Sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 50, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();
        var response = await Reader.GetAsync($"/api/vehicles/{vin}{query}");
        if (query == "?asOf=2026-11-30")
        {
            // A date alone is midnight UTC: a time, not an error (before this twin existed: 404).
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            return;
        }

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_vehicle_nobody_knows_has_no_history()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Reader.GetAsync("/api/vehicles/nobody-at-all/history?reading=stateOfCharge")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Reader.GetAsync("/api/vehicles/nobody-at-all/trips")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Reader.GetAsync($"/api/vehicles/nobody-at-all?asOf={Q(DateTimeOffset.UtcNow)}")).StatusCode);
    }

    [Fact]
    public async Task Notifications_of_a_window_come_oldest_first_and_page()
    {
        var vin = ApiKeys.NewVin();
        var t = DateTimeOffset.UtcNow.AddMinutes(-20);
        string[] states = ["CHARGING", "NOT_CHARGING", "CHARGING", "NOT_CHARGING"];
        for (var i = 0; i < states.Length; i++)
        {
            (await Sender.VolterasAsync("device.telemetry", ApiKeys.ChargingState(vin, states[i], t.AddMinutes(i)))).EnsureSuccessStatusCode();
        }

        var all = (await Reader.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vin}/notifications")).EnumerateArray()
            .Where(n => n.GetProperty("type").GetString() is "charging-started" or "charging-stopped")
            .Select(n => n.GetProperty("id").GetString()).Reverse().ToList();
        Assert.Equal(4, all.Count);
        var page = await Reader.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vin}/notifications?from={Q(t.AddSeconds(30))}&to={Q(t.AddMinutes(10))}&limit=2");
        var ids = page.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()).ToList();
        Assert.Equal(all.Skip(1).Take(2), ids);
        var next = await Reader.GetFromJsonAsync<JsonElement>(
            $"/api/vehicles/{vin}/notifications?from={Q(t.AddSeconds(30))}&to={Q(t.AddMinutes(10))}&limit=2&cursor={page.GetProperty("nextCursor").GetString()}");
        Assert.Equal(all.Skip(3), next.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
    }
}

/// <summary>History in the cluster profile: written through one silo, read through the other, journal and archive in PostgreSQL.</summary>
public sealed class ClusterHistoryTests
{
    [Fact]
    public async Task History_and_asOf_read_on_one_silo_what_the_other_ingested()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var first = await HostProcess.StartAsync(ApiKeys.AddTo(database.ClusterSettings(true)));
        await using var second = await HostProcess.StartAsync(ApiKeys.AddTo(database.ClusterSettings(false)));
        var sender = new WebhookSender(ApiKeys.Client(first, null));
        var reader = ApiKeys.Client(second, ApiKeys.ReadOnly);
        reader.Timeout = TimeSpan.FromSeconds(60);

        var vin = ApiKeys.NewVin();
        var t = DateTimeOffset.UtcNow.AddMinutes(-10);
        (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 70, t))).EnsureSuccessStatusCode();
        var moment = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 66, t.AddMinutes(2)))).EnsureSuccessStatusCode();
        (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 68, t.AddMinutes(1)))).EnsureSuccessStatusCode();

        var history = await reader.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vin}/history?reading=stateOfCharge");
        var items = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([70.0, 68, 66], items.Select(i => i.GetProperty("value").GetDouble()));
        Assert.Equal([true, false, true], items.Select(i => i.GetProperty("applied").GetBoolean()));

        var past = await reader.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vin}?asOf={Uri.EscapeDataString(moment.ToString("O"))}");
        Assert.Equal(70, past.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
        Assert.True(await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_snapshot_archive") >= 1);
        Assert.Equal(3, await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_journal WHERE delivery_id IS NOT NULL"));
    }
}
