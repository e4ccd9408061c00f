using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Api;

/// <summary>An embedded host with API keys and provider secrets configured, shared by the query API tests.</summary>
public sealed class KeyedHostFixture : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await HostProcess.StartAsync(ApiKeys.AddTo(WebhookSender.Settings()));
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The REST query API over real HTTP: auth and scopes, conditional reads, search, aggregates, OpenAPI.</summary>
public sealed class QueryApiTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>
{
    private HttpClient With(string? key) => ApiKeys.Client(fixture.Host, key);

    private async Task<string> IngestAsync(double soc, string charging = "CHARGING")
    {
        var vin = ApiKeys.NewVin();
        var sender = new WebhookSender(With(null));
        (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, soc, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();
        (await sender.VolterasAsync("device.telemetry", ApiKeys.ChargingState(vin, charging, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();
        return vin;
    }

    public static TheoryData<string, string> Reads => new()
    {
        { "GET", "/api/vehicles/car-1" },
        { "GET", "/api/vehicles?filter=soc%20%3C%2020" },
        { "GET", "/api/vehicles/resolve?vin=WBYF2AW010FN82675" },
        { "GET", "/api/vehicles/car-1/commands" },
        { "GET", "/api/vehicles/car-1/notifications" },
        { "GET", "/api/fleet/aggregates" },
        { "GET", "/api/chargers/c-1" },
        { "GET", "/api/alerts/a-1" },
        { "GET", "/api/alerts/a-1/provider" },
        { "GET", "/api/alerts?filter=status%20%3D%20active" },
        { "GET", "/api/vehicles/car-1/alerts" },
        { "GET", "/api/accounts/a-1" },
        { "POST", "/api/vehicles/car-1/commands" },
        { "PUT", "/api/vehicles/car-1/charging-target" },
        { "PUT", "/api/vehicles/car-1" },
        { "GET", "/api/parked" },
        { "GET", "/api/vehicles/car-1/watch" },
        { "GET", "/api/fleet/watch" },
        { "GET", "/api/vehicles/car-1/commands/cmd-1" },
        { "POST", "/api/chargers/c-1/commands" },
        { "GET", "/api/chargers/c-1/commands" },
        { "GET", "/api/rate-limits/volteras:VEHICLE:v-1" },
        { "POST", "/api/parked/replay" },
        { "PUT", "/api/vehicles/car-1/notification-thresholds" },
        { "GET", "/api/vehicles/car-1/history?reading=stateOfCharge" },
        { "GET", "/api/vehicles/car-1/trips" },
        { "GET", "/api/vehicles/car-1/trips/t-1/track" },
        { "GET", "/api/vehicles/car-1?asOf=2026-11-30T10:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task Every_query_endpoint_answers_401_without_a_key_and_with_a_wrong_one(string method, string path)
    {
        foreach (var key in new string?[] { null, "wrong-key-0123456789abc" })
        {
            var response = await With(key).SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData(ApiKeys.ReadOnly, "POST", "/api/vehicles/car-1/commands", "command")]
    [InlineData(ApiKeys.ReadOnly, "PUT", "/api/vehicles/car-1/charging-target", "command")]
    [InlineData(ApiKeys.CommandOnly, "GET", "/api/vehicles/car-1", "read")]
    [InlineData(ApiKeys.CommandOnly, "GET", "/api/vehicles", "read")]
    [InlineData(ApiKeys.ReadOnly, "PUT", "/api/vehicles/car-1", "admin")]
    [InlineData(ApiKeys.CommandOnly, "GET", "/api/parked", "admin")]
    [InlineData(ApiKeys.CommandOnly, "GET", "/api/vehicles/car-1/watch", "read")]
    [InlineData(ApiKeys.CommandOnly, "GET", "/api/fleet/watch", "read")]
    [InlineData(ApiKeys.CommandOnly, "GET", "/api/vehicles/car-1/commands/cmd-1", "read")]
    [InlineData(ApiKeys.ReadOnly, "POST", "/api/chargers/c-1/commands", "command")]
    [InlineData(ApiKeys.CommandOnly, "GET", "/api/chargers/c-1/commands", "read")]
    [InlineData(ApiKeys.CommandOnly, "GET", "/api/rate-limits/volteras:VEHICLE:v-1", "read")]
    [InlineData(ApiKeys.CommandOnly, "GET", "/api/alerts", "read")]
    [InlineData(ApiKeys.CommandOnly, "GET", "/api/vehicles/car-1/alerts", "read")]
    [InlineData(ApiKeys.ReadOnly, "POST", "/api/parked/replay", "admin")]
    [InlineData(ApiKeys.CommandOnly, "POST", "/api/parked/replay", "admin")]
    [InlineData(ApiKeys.ReadOnly, "PUT", "/api/vehicles/car-1/notification-thresholds", "command")]
    public async Task A_key_lacking_the_scope_gets_403_that_names_it(string key, string method, string path, string scope)
    {
        var response = await With(key).SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains($"'{scope}' scope", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_webhooks_and_the_openapi_document_need_no_key()
    {
        var anonymous = With(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        await IngestAsync(50);

        using var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[]
                 {
                     "/api/vehicles/{id}", "/api/vehicles/resolve", "/api/vehicles", "/api/vehicles/{id}/commands",
                     "/api/vehicles/{id}/commands/{commandId}", "/api/vehicles/{id}/charging-target", "/api/vehicles/{id}/notifications",
                     "/api/vehicles/{id}/watch", "/api/chargers/{id}", "/api/alerts/{id}", "/api/accounts/{id}", "/api/fleet/watch",
                     "/api/fleet/aggregates", "/webhooks/telematica", "/webhooks/volteras/{eventType}", "/webhooks/tracker",
                     "/api/vehicles/{id}/aliases", "/api/vehicles/{id}/aliases/{alias}", "/api/vehicles/registry",
                     "/api/vehicles/{id}/history", "/api/vehicles/{id}/trips", "/api/vehicles/{id}/trips/{tripId}/track",
                     "/api/alerts", "/api/alerts/{id}/provider", "/api/vehicles/{id}/alerts",
                 })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }

        var history = paths.GetProperty("/api/vehicles/{id}/history").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["id", "reading", "from", "to", "limit", "cursor"], history);
        Assert.Contains(paths.GetProperty("/api/vehicles/{id}").GetProperty("get").GetProperty("parameters").EnumerateArray(),
            p => p.GetProperty("name").GetString() == "asOf");
        Assert.Equal("bearer", document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("scheme").GetString());
        var search = paths.GetProperty("/api/vehicles").GetProperty("get").GetProperty("responses");
        Assert.True(search.TryGetProperty("429", out _), "the rate limit's 429 is not documented");
        var tracker = paths.GetProperty("/webhooks/tracker").GetProperty("post").GetProperty("responses");
        Assert.True(tracker.TryGetProperty("403", out _), "the allow-list's 403 is not documented");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/scalar/")).StatusCode);
    }

    [Fact]
    public async Task What_a_provider_sends_that_is_not_modelled_is_served_on_the_reading_and_an_unconvertible_unit_is_a_400()
    {
        var vin = ApiKeys.NewVin();
        var sender = new WebhookSender(With(null));
        string Soc(string unit, string value) =>
            $$"""{"metricType":"STATE_OF_CHARGE","vehicle":{"id":"vt-{{vin}}","vin":"{{vin}}"},"timestamp":"{{DateTimeOffset.UtcNow:O}}","stateOfCharge":{"unit":"{{unit}}","value":{{value}},"quality":"estimated"},"firmware":"7.1"}""";
        (await sender.VolterasAsync("device.telemetry", Encoding.UTF8.GetBytes(Soc("percent", "64")))).EnsureSuccessStatusCode();

        using var twin = JsonDocument.Parse(await With(ApiKeys.ReadOnly).GetStringAsync($"/api/vehicles/{vin}"));
        var extra = twin.RootElement.GetProperty("stateOfCharge").GetProperty("extra");
        Assert.Equal(("estimated", "7.1"), (extra.GetProperty("stateOfCharge.quality").GetString(), extra.GetProperty("firmware").GetString()));
        Assert.False(twin.RootElement.GetProperty("masterData").ValueKind == JsonValueKind.Object && twin.RootElement.GetProperty("masterData").TryGetProperty("extra", out _));

        var fraction = await sender.VolterasAsync("device.telemetry", Encoding.UTF8.GetBytes(Soc("fraction", "0.85")));
        Assert.Equal(HttpStatusCode.BadRequest, fraction.StatusCode);
        using var error = JsonDocument.Parse(await fraction.Content.ReadAsStringAsync());
        Assert.Equal("error", error.RootElement.GetProperty("status").GetString());
        Assert.Contains("stateOfCharge.unit 'fraction' is not percent", error.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_openapi_document_says_what_is_optional_how_webhooks_are_called_and_what_each_operation_may_answer()
    {
        using var document = JsonDocument.Parse(await With(null).GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        static string[] Required(JsonElement schema) =>
            schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).Order().ToArray() : [];

        foreach (var path in paths.EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var responses = operation.Value.GetProperty("responses");
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                Assert.True(responses.TryGetProperty("401", out _), $"{name} does not list 401");
                Assert.True(responses.TryGetProperty("403", out _), $"{name} does not list 403");
                if (path.Name.StartsWith("/webhooks/", StringComparison.Ordinal))
                {
                    Assert.Equal(0, operation.Value.GetProperty("security").GetArrayLength()); // signed, never an API key
                    var body = operation.Value.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
                    Assert.True(schemas.TryGetProperty(body.Split('/')[^1], out _), $"{name}: {body} is not in the document");
                    foreach (var status in new[] { "200", "400", "401", "413", "503" })
                    {
                        Assert.Equal("#/components/schemas/WebhookAnswer",
                            responses.GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
                    }
                }
                else
                {
                    Assert.False(operation.Value.TryGetProperty("security", out _), $"{name} overrides the API-key security");
                }
            }
        }

        foreach (var watch in new[] { "/api/vehicles/{id}/watch", "/api/fleet/watch" })
        {
            Assert.True(paths.GetProperty(watch).GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _),
                $"{watch} does not declare text/event-stream");
        }

        Assert.Equal(["command"], Required(schemas.GetProperty("SendCommandRequest")));
        Assert.Equal(["targetSoc"], Required(schemas.GetProperty("ChargingTargetRequest")));
        Assert.Equal(["id"], Required(schemas.GetProperty("VehicleTwin"))); // every reading may be missing
        Assert.Equal(["at", "latitude", "longitude", "source"], Required(schemas.GetProperty("GeoPosition")));
        var measurement = schemas.GetProperty("Measurement").GetProperty("properties");
        Assert.Equal("object", measurement.GetProperty("extra").GetProperty("type").GetString());
        Assert.Equal("number", measurement.GetProperty("value").GetProperty("type").GetString());
        Assert.Equal("string", measurement.GetProperty("unit").GetProperty("type").GetString());
        Assert.Equal(["Coordinates", "Device_Time", "Event", "IMEI", "Server_Time"], Required(schemas.GetProperty("TrackerEvent")));
    }

    [Theory]
    [InlineData(ApiKeys.ReadOnly, "/api/vehicles/car-unknown")]
    [InlineData(ApiKeys.ReadOnly, "/api/fleet/aggregates")]
    [InlineData(null, "/api/vehicles")]
    [InlineData(null, "/health/live")]
    public async Task Every_answer_carries_the_security_headers_errors_included(string? key, string path)
    {
        using var response = await With(key).GetAsync(path);

        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
        if (path.StartsWith("/api", StringComparison.Ordinal))
        {
            Assert.True(response.Headers.CacheControl is { Private: true, NoCache: true }, $"Cache-Control: {response.Headers.CacheControl}");
        }
    }

    [Fact]
    public async Task A_twin_read_is_conditional_on_its_version()
    {
        var vin = await IngestAsync(61);
        var http = With(ApiKeys.ReadOnly);
        var first = await http.GetAsync($"/api/vehicles/{vin}");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        var again = new HttpRequestMessage(HttpMethod.Get, $"/api/vehicles/{vin}");
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        await new WebhookSender(With(null)).VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 62, DateTimeOffset.UtcNow));
        var changed = new HttpRequestMessage(HttpMethod.Get, $"/api/vehicles/resolve?vin={vin}");
        changed.Headers.IfNoneMatch.Add(etag);
        var fresh = await http.SendAsync(changed);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.NotEqual(etag, fresh.Headers.ETag);
    }

    [Fact]
    public async Task Search_finds_what_was_ingested_pages_with_a_cursor_and_rejects_a_bad_filter_saying_where()
    {
        var marker = 10 + (Random.Shared.Next(1, 9999) / 1000.0);
        var vins = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            vins.Add(await IngestAsync(marker, i % 2 == 0 ? "CHARGING" : "COMPLETE"));
        }

        var http = With(ApiKeys.ReadOnly);
        var filter = Uri.EscapeDataString($"soc = {marker.ToString(CultureInfo.InvariantCulture)} and charging = CHARGING");
        await Eventually.ReturnsAsync(
            () => http.GetFromJsonAsync<JsonElement>($"/api/vehicles?filter={filter}"),
            page => page.GetProperty("items").GetArrayLength() == 3, TimeSpan.FromSeconds(5), "search sees the ingested vehicles");
        var first = await http.GetFromJsonAsync<JsonElement>($"/api/vehicles?filter={filter}&limit=2&sort=-id");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await http.GetFromJsonAsync<JsonElement>($"/api/vehicles?filter={filter}&limit=2&sort=-id&cursor={Uri.EscapeDataString(cursor!)}");
        var found = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(v => v.GetProperty("id").GetString()!).ToList();
        Assert.Equal(vins.Where((_, i) => i % 2 == 0).OrderDescending(StringComparer.Ordinal).ToList(), found);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var aggregates = await http.GetFromJsonAsync<JsonElement>($"/api/fleet/aggregates?filter={Uri.EscapeDataString($"soc = {marker.ToString(CultureInfo.InvariantCulture)}")}");
        Assert.Equal(5, aggregates.GetProperty("count").GetInt64());
        Assert.Equal(3, aggregates.GetProperty("byCharging").GetProperty("CHARGING").GetInt64());
        Assert.Equal(marker, aggregates.GetProperty("averageSoc").GetDouble(), 9);

        var bad = await http.GetAsync($"/api/vehicles?filter={Uri.EscapeDataString("soc < 20 and chargng = CHARGING")}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
        Assert.Equal(14, problem.RootElement.GetProperty("position").GetInt32());
        Assert.Contains("unknown field 'chargng'", problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/vehicles?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/vehicles?cursor={cursor}&sort=soc")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/vehicles?sort=online")).StatusCode);
    }

    [Fact]
    public async Task The_fleet_watch_streams_matching_vehicles_their_notifications_and_leavers()
    {
        var vin = ApiKeys.NewVin();
        var http = With(ApiKeys.ReadOnly);
        http.Timeout = TimeSpan.FromSeconds(30);
        using var response = await http.GetAsync($"/api/fleet/watch?filter={Uri.EscapeDataString($"vin = {vin} and charging = CHARGING")}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new ServerSentEvents(await response.Content.ReadAsStreamAsync());

        // Every change made after "ready" is streamed.
        Assert.Equal("ready", (await events.NextAsync(TimeSpan.FromSeconds(10))).Name);
        var sender = new WebhookSender(With(null));
        var at = DateTimeOffset.UtcNow;
        await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 40, at));
        await sender.VolterasAsync("device.telemetry", ApiKeys.ChargingState(vin, "CHARGING", at.AddSeconds(1)));
        await sender.VolterasAsync("device.telemetry", ApiKeys.ChargingState(vin, "COMPLETE", at.AddSeconds(2)));

        var seen = await events.ReadUntilAsync(e => e.Name == "left", TimeSpan.FromSeconds(10));
        var vehicle = seen.First(e => e.Name == "vehicle");
        Assert.Equal(vin, vehicle.Data.GetProperty("id").GetString());
        Assert.Equal("CHARGING", vehicle.Data.GetProperty("charging").GetString());
        Assert.Contains(seen, e => e.Name == "notification" && e.Data.GetProperty("type").GetString() == "charging-started");
        Assert.Equal(vin, seen[^1].Data.GetProperty("id").GetString());
    }
}
