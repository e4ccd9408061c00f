using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Webhooks;

/// <summary>An embedded host with webhook secrets configured, fed every published example once.</summary>
public sealed class WebhookHostFixture : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    public WebhookSender Sender { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var settings = WebhookSender.Settings();
        settings["Ingestion__MaxBodyBytes"] = "65536";
        Host = await HostProcess.StartAsync(settings);
        Sender = new WebhookSender(Host.Http);
        await Sender.PostAllExamplesAsync();
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

public sealed class WebhookTests(WebhookHostFixture fixture) : IClassFixture<WebhookHostFixture>
{
    private HttpClient Http => fixture.Host.Http;

    private WebhookSender Send => fixture.Sender;

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task AssertAnswerAsync(HttpResponseMessage response, HttpStatusCode status, string? mentioned = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(status == HttpStatusCode.OK ? "success" : "error", json.RootElement.GetProperty("status").GetString());
        var message = json.RootElement.GetProperty("message").GetString();
        Assert.False(string.IsNullOrEmpty(message));
        if (mentioned is not null)
        {
            Assert.Contains(mentioned, message);
        }
    }

    [Fact]
    public async Task Volteras_telemetry_fills_the_twin_found_by_vin_with_readings_at_and_source()
    {
        var twin = await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN82675");

        var soc = twin.GetProperty("stateOfCharge");
        Assert.Equal(85.5, soc.GetProperty("value").GetDouble());
        Assert.Equal("percent", soc.GetProperty("unit").GetString());
        Assert.Equal("volteras", soc.GetProperty("source").GetString());
        Assert.Equal(DateTimeOffset.Parse("2024-01-15T10:30:00Z"), soc.GetProperty("at").GetDateTimeOffset());
        Assert.Contains("volteras:h283d-h9v1j-51p5d-pqv5p-b4q33", twin.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task A_journey_naming_another_vin_moves_the_device_to_that_vins_twin_and_says_so_on_both()
    {
        const string device = "volteras:hpqv5p-b4q33-h283d-h9v1j-51p5d";
        var journeyTwin = await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN82677");
        var telemetryTwin = await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN82678");

        Assert.Contains(device, journeyTwin.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.DoesNotContain(device, telemetryTwin.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Single(journeyTwin.GetProperty("aliases").EnumerateArray(), a => a.GetString()!.StartsWith("vin:"));
        Assert.Single(telemetryTwin.GetProperty("aliases").EnumerateArray(), a => a.GetString()!.StartsWith("vin:"));
        Assert.Equal(journeyTwin.GetProperty("id").GetString(), (await GetJsonAsync($"/api/vehicles/resolve?provider=volteras&id={device[9..]}")).GetProperty("id").GetString());
        foreach (var twin in new[] { journeyTwin, telemetryTwin })
        {
            var notifications = await GetJsonAsync($"/api/vehicles/{twin.GetProperty("id").GetString()}/notifications");
            var changed = Assert.Single(notifications.EnumerateArray(),
                n => n.GetProperty("type").GetString() == "identity-changed" && n.GetProperty("data").GetProperty("alias").GetString() == device);
            Assert.Equal(device, changed.GetProperty("data").GetProperty("alias").GetString());
            Assert.Equal(telemetryTwin.GetProperty("id").GetString(), changed.GetProperty("data").GetProperty("fromTwin").GetString());
            Assert.Equal(journeyTwin.GetProperty("id").GetString(), changed.GetProperty("data").GetProperty("toTwin").GetString());
            Assert.Contains(twin.GetProperty("aliasHistory").EnumerateArray(), c => c.GetProperty("alias").GetString() == device);
        }
    }

    [Fact]
    public async Task Every_metric_type_shows_in_the_twin_it_names()
    {
        Assert.Equal(65.2, (await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN82676")).GetProperty("energyRemaining").GetProperty("value").GetDouble());
        var located = await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN82677");
        Assert.Equal(37.7749, located.GetProperty("location").GetProperty("latitude").GetDouble());
        Assert.Equal(54.5, located.GetProperty("motion").GetProperty("speedKmh").GetDouble());
        // Volteras' samples give device hpqv5p-... VIN ...78 in ODOMETER and VIN ...77 in a journey: two VINs are two
        // vehicles, never one twin. The journey's reading goes to VIN ...77 and the device id moves there with it.
        var odometer = (await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN82678")).GetProperty("odometer");
        Assert.Equal((45230.5, DateTimeOffset.Parse("2024-01-15T10:30:00Z")), (odometer.GetProperty("value").GetDouble(), odometer.GetProperty("at").GetDateTimeOffset()));
        var journeyEnd = located.GetProperty("odometer");
        Assert.Equal((78945.8, DateTimeOffset.Parse("2024-01-15T16:55:00Z")), (journeyEnd.GetProperty("value").GetDouble(), journeyEnd.GetProperty("at").GetDateTimeOffset()));
        Assert.Equal(320.8, (await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN82679")).GetProperty("range").GetProperty("value").GetDouble());
        Assert.Equal(240.5, (await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN82680")).GetProperty("tires").GetProperty("FRONT_LEFT").GetProperty("value").GetDouble());
        var alerted = await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN82681");
        Assert.Equal("BMS_001", alerted.GetProperty("activeAlerts")[0].GetProperty("id").GetString());
        Assert.Equal("CHARGING", (await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN82682")).GetProperty("charging").GetProperty("state").GetString());
        Assert.Equal(2, (await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN82683")).GetProperty("departureTimes").GetProperty("departures").GetArrayLength());
        var details = (await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN82684")).GetProperty("chargingDetails");
        Assert.Equal((90d, "ENGAGED"), (details.GetProperty("maxStateOfCharge").GetDouble(), details.GetProperty("portLatch").GetString()));
    }

    [Fact]
    public async Task Telematica_vehicle_is_resolvable_by_provider_id_and_vin()
    {
        var byId = await GetJsonAsync("/api/vehicles/resolve?provider=telematica&id=641aeef260d202219c22f03b");
        var byVin = await GetJsonAsync("/api/vehicles/resolve?vin=MAT534006MPTS4325");

        Assert.Equal(byId.GetProperty("id").GetString(), byVin.GetProperty("id").GetString());
        Assert.Equal("BMW", byId.GetProperty("masterData").GetProperty("make").GetString());
        Assert.Equal(40, byId.GetProperty("chargingTarget").GetProperty("targetSoc").GetDouble());
        Assert.Equal("PLUGGED", byId.GetProperty("plug").GetProperty("state").GetString());
        var commanded = await GetJsonAsync("/api/vehicles/resolve?provider=telematica&id=64253244f8057090fb3a822b");
        Assert.Equal("CONFIRMED", commanded.GetProperty("commandReports")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Tracker_events_set_location_alarms_and_geofences_on_the_imei_twin()
    {
        var twin = await GetJsonAsync("/api/vehicles/resolve?imei=350612075195931");

        Assert.Equal(22.927968, twin.GetProperty("location").GetProperty("latitude").GetDouble());
        var kinds = twin.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("kind").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "overspeed", "fuel_fill", "fuel_drain", "tampering", "power_cut", "sos" }, kinds);
        Assert.Equal("imei:350612075195931", twin.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Derived_notifications_of_a_twin_are_served_newest_first()
    {
        var notifications = await GetJsonAsync("/api/vehicles/imei:350612075195931/notifications");

        var types = notifications.EnumerateArray().Select(n => n.GetProperty("type").GetString()).ToList();
        Assert.Superset(new HashSet<string?> { "overspeed", "sos", "fuel-drain", "tampering", "power-cut", "geofence-entered" }, types.ToHashSet());
        var sos = notifications.EnumerateArray().First(n => n.GetProperty("type").GetString() == "sos");
        Assert.Equal("imei:350612075195931", sos.GetProperty("twinId").GetString());
        Assert.Equal("sos", sos.GetProperty("data").GetProperty("kind").GetString());
        Assert.StartsWith("ntf_", sos.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Watchers_see_the_twin_then_its_next_change_and_notification_live()
    {
        string Push(string kind, int minute) =>
            "{\"Event\":\"" + kind + "\",\"Changes\":0,\"IMEI\":\"350612075188888\",\"Device_Time\":\"2024-06-28T17:" + minute.ToString("00") +
            ":13.000000+0000\",\"Server_Time\":\"2024-06-28T18:49:45.000000+0000\",\"Coordinates\":\"22.9,75.5\"}";
        (await Send.TrackerAsync(Encoding.UTF8.GetBytes(Push("tampering", 1)))).EnsureSuccessStatusCode();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/vehicles/imei:350612075188888/watch");
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        async Task<(string Name, JsonElement Data)> NextAsync()
        {
            string? name = null;
            while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
                {
                    return (name, JsonDocument.Parse(line[6..]).RootElement.Clone());
                }
            }

            throw new EndOfStreamException();
        }

        var first = await NextAsync();
        Assert.Equal("twin", first.Name);
        var version = first.Data.GetProperty("version").GetInt64();

        (await Send.TrackerAsync(Encoding.UTF8.GetBytes(Push("sos", 2)))).EnsureSuccessStatusCode();

        var changed = await NextAsync();
        var notified = await NextAsync();
        Assert.Equal(("twin", version + 1), (changed.Name, changed.Data.GetProperty("version").GetInt64()));
        Assert.Equal(("notification", "sos"), (notified.Name, notified.Data.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Other_twins_are_served_by_id()
    {
        Assert.True((await GetJsonAsync("/api/chargers/telematica:64253244f8057090fb3a822b")).GetProperty("lastCommand").GetProperty("success").GetBoolean());
        Assert.Equal("RESOLVED", (await GetJsonAsync("/api/alerts/h9v1j-51p5d-pqv5p-b4q33-h283d/provider")).GetProperty("status").GetString());
        var inbox = await GetJsonAsync("/api/alerts/h9v1j-51p5d-pqv5p-b4q33-h283d");
        Assert.Equal(("volteras", "cleared", "minor"), (inbox.GetProperty("origin").GetString(), inbox.GetProperty("status").GetString(), inbox.GetProperty("severity").GetString()));
        Assert.Equal("642f07d280dead60533b57c2", (await GetJsonAsync("/api/accounts/telematica:user-id-in-your-database")).GetProperty("devices")[0].GetProperty("device").GetProperty("deviceId").GetString());
        var limits = await GetJsonAsync("/api/rate-limits/volteras:VEHICLE:h283d-h9v1j-51p5d-pqv5p-b4q33");
        Assert.Equal(2, limits.GetProperty("limits").EnumerateObject().Count());
    }

    [Fact]
    public async Task Replayed_svix_message_is_applied_once_and_answered_200()
    {
        var body = Encoding.UTF8.GetBytes("""{"metricType":"ODOMETER","vehicle":{"id":"replay-1","vin":"WBYF2AW010FN99901"},"timestamp":"2024-01-15T10:30:00Z","odometer":{"unit":"km","value":10}}""");
        const string id = "msg_replay_0001";

        await AssertAnswerAsync(await Send.VolterasAsync("device.telemetry", body, id), HttpStatusCode.OK);
        var before = await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN99901");
        await AssertAnswerAsync(await Send.VolterasAsync("device.telemetry", body, id), HttpStatusCode.OK, "Duplicate");
        var after = await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN99901");

        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Unbranded_webhook_headers_are_accepted()
    {
        var body = WebhookSender.Fixture("volteras/device.connected.json");

        var response = await Send.SignedAsync("/webhooks/volteras/device.connected", WebhookSender.VolterasSecret, body, headerPrefix: "webhook");

        await AssertAnswerAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bad_signature_is_401_and_changes_nothing()
    {
        var body = Encoding.UTF8.GetBytes("""{"metricType":"ODOMETER","vehicle":{"id":"forged-1","vin":"WBYF2AW010FN99902"},"timestamp":"2024-01-15T10:30:00Z","odometer":{"value":10}}""");

        await AssertAnswerAsync(await Send.SignedAsync("/webhooks/volteras/device.telemetry", WebhookSender.TelematicaSecret, body), HttpStatusCode.Unauthorized, "signature");
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/vehicles/resolve?vin=WBYF2AW010FN99902")).StatusCode);
    }

    [Fact]
    public async Task Signed_delivery_outside_the_tolerance_is_401()
    {
        var body = WebhookSender.Fixture("telematica/vehicle.soc.json");

        var response = await Send.SignedAsync("/webhooks/telematica", WebhookSender.TelematicaSecret, body, timestamp: DateTimeOffset.UtcNow.AddMinutes(-6));

        await AssertAnswerAsync(response, HttpStatusCode.Unauthorized, "tolerance");
    }

    [Fact]
    public async Task Missing_signature_headers_are_401()
    {
        var response = await Http.PostAsync("/webhooks/telematica", new StringContent("{}", Encoding.UTF8, "application/json"));

        await AssertAnswerAsync(response, HttpStatusCode.Unauthorized, "missing");
    }

    [Fact]
    public async Task Duplicated_signature_header_is_401()
    {
        // HttpClient folds repeated headers into one line; a raw request sends the header twice, as an attacker would.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", fixture.Host.HttpPort);
        var stream = tcp.GetStream();
        var request = "POST /webhooks/telematica HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
            $"svix-id: msg_1\r\nsvix-id: msg_2\r\nsvix-timestamp: {DateTimeOffset.UtcNow.ToUnixTimeSeconds()}\r\nsvix-signature: v1,abc\r\n" +
            "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var answer = await new StreamReader(stream).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 401", answer);
        Assert.Contains("more than once", answer);
    }

    [Theory]
    [InlineData("""{"type": "vehicle.soc", "vehicleId": "x1", "currentSoc": 400}""", "currentSoc")]
    [InlineData("""{"type": "vehicle.soc", "vehicleId": """, "JSON")]
    [InlineData("""{"type": "vehicle.soc", "vehicleId": {"nested": true}}""", "vehicleId")]
    public async Task Signed_but_invalid_payload_is_400_with_the_reason(string json, string mentioned)
    {
        await AssertAnswerAsync(await Send.TelematicaAsync(Encoding.UTF8.GetBytes(json)), HttpStatusCode.BadRequest, mentioned);
    }

    [Fact]
    public async Task Unknown_event_type_is_accepted()
    {
        var body = Encoding.UTF8.GetBytes("""{"type":"vehicle.window-status","vehicleId":"x2","windows":"open"}""");

        await AssertAnswerAsync(await Send.TelematicaAsync(body), HttpStatusCode.OK, "not handled");
    }

    public static TheoryData<string, string, string> Unreadable => new()
    {
        { "volteras", """{"metricType":"STATE_OF_CHARGE","vehicle":{"id":"vt-twice","vin":"WBYTWICE000000001"},"timestamp":"2026-01-01T00:00:00Z","stateOfCharge":{"unit":"percent","value":42,"value":99}}""", "Duplicate property 'value'" },
        { "volteras", """{"metricType":"CHARGING_STATE","metricType":"STATE_OF_CHARGE","vehicle":{"id":"vt-twice"},"timestamp":"2026-01-01T00:00:00Z","stateOfCharge":{"value":42}}""", "Duplicate property 'metricType'" },
        { "telematica", """{"type":"vehicle.plug-status","type":"vehicle.soc","vehicleId":"t-twice","currentState":"Plugged"}""", "Duplicate property 'type'" },
        { "telematica", """{"type":"vehicle.soc","vehicleId":"t-\ud800"}""", "unpaired UTF-16 surrogate" },
        { "tracker", """{"Event":"sos","IMEI":"350612075100001","IMEI":"350612075100002","Device_Time":"2026-01-01T00:00:00Z","Server_Time":"2026-01-01T00:00:00Z","Coordinates":"22.9,75.5"}""", "Duplicate property 'IMEI'" },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task A_signed_body_with_a_key_twice_or_an_unpaired_surrogate_is_400_naming_it(string provider, string json, string mentioned)
    {
        var body = Encoding.UTF8.GetBytes(json);

        var response = provider switch
        {
            "volteras" => await Send.VolterasAsync("device.telemetry", body),
            "telematica" => await Send.TelematicaAsync(body),
            _ => await Send.TrackerAsync(body),
        };

        await AssertAnswerAsync(response, HttpStatusCode.BadRequest, mentioned);
    }

    [Fact]
    public async Task Oversized_body_is_413()
    {
        var body = Encoding.UTF8.GetBytes("{\"type\":\"vehicle.soc\",\"pad\":\"" + new string('x', 70_000) + "\"}");

        await AssertAnswerAsync(await Send.TelematicaAsync(body), HttpStatusCode.RequestEntityTooLarge, "larger");
    }

    [Fact]
    public async Task Ambiguous_untyped_volteras_payload_is_400_and_an_unknown_typed_path_is_accepted_and_counted()
    {
        var body = WebhookSender.Fixture("volteras/device.connected.json");

        await AssertAnswerAsync(await Send.SignedAsync("/webhooks/volteras", WebhookSender.VolterasSecret, body), HttpStatusCode.BadRequest, "same shape");
        // API.md: an event type the service does not know is accepted (200) and counted, never an error.
        await AssertAnswerAsync(await Send.SignedAsync("/webhooks/volteras/device.exploded", WebhookSender.VolterasSecret, body), HttpStatusCode.OK, "not handled");
        await AssertAnswerAsync(await Http.PostAsync("/webhooks/volteras/device.exploded", new ByteArrayContent(body)), HttpStatusCode.Unauthorized);
        var metrics = await Http.GetStringAsync("/metrics");
        Assert.Contains("""outcome="unknown-type",provider="volteras",type="unknown"}""", metrics);
    }

    [Fact]
    public async Task Untyped_volteras_payload_of_a_clear_shape_is_applied()
    {
        var body = Encoding.UTF8.GetBytes("""{"metricType":"RANGE","vehicle":{"id":"untyped-1","vin":"WBYF2AW010FN99903"},"timestamp":"2024-01-15T10:30:00Z","range":{"unit":"km","value":111}}""");

        await AssertAnswerAsync(await Send.SignedAsync("/webhooks/volteras", WebhookSender.VolterasSecret, body), HttpStatusCode.OK);
        Assert.Equal(111, (await GetJsonAsync("/api/vehicles/resolve?vin=WBYF2AW010FN99903")).GetProperty("range").GetProperty("value").GetDouble());
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("wrong-token", "invalid")]
    public async Task Tracker_without_the_right_token_is_401(string? token, string mentioned)
    {
        await AssertAnswerAsync(await Send.TrackerAsync(WebhookSender.Fixture("tracker/sos.derived.json"), token), HttpStatusCode.Unauthorized, mentioned);
    }

    [Fact]
    public async Task Tracker_push_breaking_a_validation_rule_is_400_in_the_documented_shape()
    {
        var body = Encoding.UTF8.GetBytes("""{"Event":"sos","IMEI":"12345","Device_Time":"2024-06-28T17:52:13.000000+0000","Server_Time":"2024-06-28T18:49:45.000000+0000","Coordinates":"22.9,75.5"}""");

        await AssertAnswerAsync(await Send.TrackerAsync(body), HttpStatusCode.BadRequest, "IMEI must be numeric and 15 digits");
    }

    [Fact]
    public async Task Tracker_replay_is_answered_with_the_documented_success_and_applied_once()
    {
        var body = Encoding.UTF8.GetBytes("""{"Event":"power_cut","Changes":0,"IMEI":"350612075199999","Device_Time":"2024-06-28T17:52:13.000000+0000","Server_Time":"2024-06-28T18:49:45.000000+0000","Coordinates":"22.9,75.5"}""");

        await AssertAnswerAsync(await Send.TrackerAsync(body), HttpStatusCode.OK, "Event received successfully.");
        await AssertAnswerAsync(await Send.TrackerAsync(body), HttpStatusCode.OK, "Event received successfully.");

        var twin = await GetJsonAsync("/api/vehicles/resolve?imei=350612075199999");
        Assert.Equal(1, twin.GetProperty("version").GetInt64());
        Assert.Equal(1, twin.GetProperty("alarms").GetArrayLength());
    }
}
