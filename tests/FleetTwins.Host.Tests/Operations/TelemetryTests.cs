using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FleetTwins.Host.Tests.Amqp;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Operations;

/// <summary>
/// <c>/metrics</c> after real traffic (webhooks, an INVERS message, a notification published to the broker): every
/// instrument of ours with the labels it promises, Orleans' own meter, and who may read it; the Orleans dashboard
/// behind the admin scope.
/// </summary>
public sealed partial class TelemetryTests
{
    [Fact]
    public async Task Metrics_after_traffic_show_the_expected_series_and_every_one_the_dashboard_queries_and_need_a_key_off_loopback()
    {
        await using var queue = await AmqpQueue.CreateAsync();
        var settings = ApiKeys.AddTo(InversAmqpTests.Settings(queue, WebhookSender.Settings()));
        settings["Network__TrustedProxies__0"] = "127.0.0.1";
        await using var host = await HostProcess.StartAsync(settings);
        var sender = new WebhookSender(host.Http);
        var vin = ApiKeys.NewVin();
        // A reading two hours old: its lag lands in the 6 h bucket and not in the 1 h one however slow this machine is.
        var soc = ApiKeys.StateOfCharge(vin, 55, DateTimeOffset.UtcNow.AddHours(-2));
        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", soc, $"msg_{vin}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", soc, $"msg_{vin}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await sender.VolterasAsync("device.telemetry", "{"u8.ToArray())).StatusCode);
        var imei = $"35{Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999)}";
        var sos = $$"""{"Event":"sos","Changes":1,"IMEI":"{{imei}}","Device_Time":"2024-06-28T17:01:13.000000+0000","Server_Time":"2024-06-28T18:49:45.000000+0000","Coordinates":"22.9,75.5","Geofence_Name":null}""";
        Assert.Equal(HttpStatusCode.OK, (await sender.TrackerAsync(Encoding.UTF8.GetBytes(sos))).StatusCode);
        var inversId = $"TM-{Guid.NewGuid():N}"[..14];
        await queue.PublishAsync(InversAmqpTests.Event($"{inversId}-1", inversId, "VehicleStateRecorded", InversAmqpTests.State("mileage_in_kilometers", 1)),
            $"{inversId}-1", "VehicleStateRecorded", 2);

        // Types the service does not know yet are accepted and counted, per provider, under type="unknown": a label
        // value per name a sender makes up would grow /metrics without bound (the name itself is in the log).
        Assert.Equal(HttpStatusCode.OK, (await sender.TelematicaAsync("{\"type\":\"vehicle.renamed\",\"vehicleId\":\"t-1\"}"u8.ToArray())).StatusCode);
        var doorOpen = sos.Replace("\"sos\"", "\"door_open\"", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await sender.TrackerAsync(Encoding.UTF8.GetBytes(doorOpen))).StatusCode);
        await queue.PublishAsync(InversAmqpTests.Event($"{inversId}-2", inversId, "VehicleWashed", ""), $"{inversId}-2", "VehicleWashed", 2);

        string[] expected =
        [
            """fleettwins_ingestion_deliveries_total{outcome="applied",provider="volteras",type="device.telemetry"}""",
            """fleettwins_ingestion_deliveries_total{outcome="duplicate",provider="volteras",type="device.telemetry"}""",
            """fleettwins_ingestion_deliveries_total{outcome="invalid",provider="volteras"}""",
            """fleettwins_ingestion_deliveries_total{outcome="applied",provider="invers",type="VehicleStateRecorded"}""",
            """fleettwins_ingestion_deliveries_total{outcome="received",provider="invers",type="VehicleStateRecorded"}""",
            """fleettwins_ingestion_apply_duration_seconds_bucket{provider="volteras",le="0.5"}""",
            """fleettwins_ingestion_apply_duration_seconds_count{provider="invers"}""",
            """fleettwins_ingestion_lag_seconds_bucket{provider="volteras",le="3600"}""",
            """fleettwins_notifications_raised_total{type="sos"}""",
            """fleettwins_notifications_published_total{outcome="delivered"}""",
            "fleettwins_outbox_depth",
            "fleettwins_outbox_age_seconds",
            $$"""fleettwins_amqp_queue_ready{queue="{{queue.Name}}"}""",
            $$"""fleettwins_amqp_queue_ready{queue="{{queue.ParkingQueue}}"}""",
            "orleans_",
            "http_server_request_duration_seconds_bucket",
            """fleettwins_ingestion_lag_seconds_bucket{provider="volteras",le="21600"}""",
            """fleettwins_ingestion_deliveries_total{outcome="unknown-type",provider="telematica",type="unknown"}""",
            """fleettwins_ingestion_deliveries_total{outcome="unknown-type",provider="tracker",type="unknown"}""",
            """fleettwins_ingestion_deliveries_total{outcome="unknown-type",provider="invers",type="unknown"}""",
        ];
        var scrape = await Eventually.ReturnsAsync(() => host.Http.GetStringAsync("/metrics"),
            text => expected.All(series => Scrape.Present(text, series)), TimeSpan.FromSeconds(40), "every series in /metrics");

        // The duplicate was counted once as applied and once as duplicate; each unknown type once; the reading two
        // hours old was applied with a lag over an hour and under six (buckets are cumulative: 0 by 1 h, 1 by 6 h).
        Assert.Equal(1, Scrape.Value(scrape, expected[0]));
        Assert.Equal(1, Scrape.Value(scrape, expected[1]));
        Assert.All(expected.Where(e => e.Contains("unknown-type", StringComparison.Ordinal)), series => Assert.Equal(1, Scrape.Value(scrape, series)));
        Assert.Equal(0, Scrape.Value(scrape, expected[7]));
        Assert.Equal(1, Scrape.Value(scrape, """fleettwins_ingestion_lag_seconds_bucket{provider="volteras",le="21600"}"""));

        // Every metric the provisioned Grafana dashboard queries exists.
        var dashboard = await File.ReadAllTextAsync(Path.Combine(HostProcess.RepositoryRoot, "deploy", "grafana", "dashboards", "fleettwins.json"));
        var queried = MetricName().Matches(dashboard).Select(m => m.Value).Distinct().ToList();
        Assert.True(queried.Count >= 10, $"the dashboard queries {queried.Count} metrics");
        var present = scrape.Split('\n').Where(l => !l.StartsWith('#')).Select(l => l.Split('{', ' ')[0]).ToHashSet();
        Assert.All(queried, name => Assert.True(present.Contains(name), $"the dashboard queries {name}, which /metrics does not have"));

        // Loopback reads without a key; any other client needs a valid one (any scope).
        var remote = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        remote.Headers.Add("X-Forwarded-For", "203.0.113.7");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.SendAsync(remote)).StatusCode);
        using var keyed = ApiKeys.Client(host, ApiKeys.ReadOnly);
        var remoteWithKey = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        remoteWithKey.Headers.Add("X-Forwarded-For", "203.0.113.7");
        Assert.Equal(HttpStatusCode.OK, (await keyed.SendAsync(remoteWithKey)).StatusCode);
    }

    [Fact]
    public async Task Log_lines_about_a_delivery_carry_its_provider_event_id_and_twin()
    {
        var settings = WebhookSender.Settings();
        settings["Logging__Console__FormatterName"] = "json";
        settings["Logging__Console__FormatterOptions__IncludeScopes"] = "true";
        settings["Logging__LogLevel__FleetTwins"] = "Debug";
        await using var host = await HostProcess.StartAsync(settings);
        var sender = new WebhookSender(host.Http);
        var vin = ApiKeys.NewVin();
        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 40, DateTimeOffset.UtcNow), $"msg_a_{vin}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await sender.TelematicaAsync("{\"type\":\"vehicle.renamed\",\"vehicleId\":\"t-1\"}"u8.ToArray(), $"msg_b_{vin}")).StatusCode);

        var lines = await Eventually.ReturnsAsync(() => Task.FromResult(JsonLines(host.Output).ToList()),
            l => l.Any(Mentions($"msg_a_{vin}")) && l.Any(Mentions($"msg_b_{vin}")), TimeSpan.FromSeconds(20), "both deliveries logged");

        // The twin's line names the twin, the delivery and the provider as fields of the line.
        var applied = Assert.Single(lines, l => Mentions($"msg_a_{vin}")(l) && l.GetProperty("Category").GetString()!.EndsWith("VehicleTwinGrain", StringComparison.Ordinal));
        Assert.Equal(vin, applied.GetProperty("State").GetProperty("TwinId").GetString());
        Assert.Equal("volteras", applied.GetProperty("State").GetProperty("Provider").GetString());

        // A line written while the endpoint handles the delivery carries both as scopes.
        var accepted = Assert.Single(lines, l => Mentions($"msg_b_{vin}")(l) && l.GetProperty("Category").GetString()!.EndsWith("Webhooks", StringComparison.Ordinal));
        var scopes = accepted.GetProperty("Scopes").EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).ToList();
        Assert.Contains(scopes, s => s.TryGetProperty("Provider", out var p) && p.GetString() == "telematica"
            && s.TryGetProperty("EventId", out var e) && e.GetString()!.EndsWith($"msg_b_{vin}", StringComparison.Ordinal));
    }

    private static IEnumerable<JsonElement> JsonLines(string output)
    {
        foreach (var line in output.Split('\n').Where(l => l.StartsWith('{')))
        {
            JsonElement parsed;
            try
            {
                parsed = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException)
            {
                continue;
            }

            yield return parsed;
        }
    }

    private static Func<JsonElement, bool> Mentions(string text) => line => line.GetRawText().Contains(text, StringComparison.Ordinal);

    [Fact]
    public async Task The_orleans_dashboard_needs_the_admin_scope()
    {
        await using var host = await HostProcess.StartAsync(ApiKeys.AddTo(WebhookSender.Settings()));
        using var anonymous = ApiKeys.Client(host, null);
        using var reader = ApiKeys.Client(host, ApiKeys.ReadOnly);
        using var admin = ApiKeys.Client(host, ApiKeys.All);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/dashboard/")).StatusCode);
        using var page = await admin.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType);

        // Its endpoints are Orleans', not part of our API document.
        Assert.DoesNotContain("/dashboard", await reader.GetStringAsync("/openapi/v1.json"));
    }

    [Fact]
    public async Task A_browser_opens_the_dashboard_with_a_key_it_signs_in_with_and_the_key_goes_nowhere_else()
    {
        await using var host = await HostProcess.StartAsync(ApiKeys.AddTo(WebhookSender.Settings()));
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.Http.BaseAddress };
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        // Without a key, a browser gets the sign-in page, not a problem document.
        using var signIn = await browser.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Contains("action=\"/dashboard/session\"", await signIn.Content.ReadAsStringAsync());

        static FormUrlEncodedContent Key(string key) => new([new KeyValuePair<string, string>("key", key)]);
        using var refused = await browser.PostAsync("/dashboard/session", Key(ApiKeys.ReadOnly));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));

        using var session = await browser.PostAsync("/dashboard/session", Key(ApiKeys.All));
        Assert.Equal(HttpStatusCode.SeeOther, session.StatusCode);
        Assert.Equal("/dashboard/", session.Headers.Location?.OriginalString);
        var cookie = Assert.Single(session.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);

        var pair = cookie.Split(';')[0];
        using var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard/") { Headers = { { "Cookie", pair } } };
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(page)).StatusCode);
        // The cookie opens the dashboard only: the query API still wants its bearer key.
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/vehicles") { Headers = { { "Cookie", pair } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(api)).StatusCode);
    }

    [GeneratedRegex(@"\b(?:fleettwins|orleans|http_server)_[a-z0-9_]+")]
    private static partial Regex MetricName();
}
