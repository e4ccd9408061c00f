using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Security;

/// <summary>A host with no API keys and no trusted proxies: loopback mode, which every client on this machine may use.</summary>
public sealed class LoopbackHostFixture : IAsyncLifetime
{
    public const string ConfiguredName = "fleet.test";

    public HostProcess Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var settings = WebhookSender.Settings();
        settings["Network__LoopbackHosts__0"] = ConfiguredName;
        Host = await HostProcess.StartAsync(settings);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Loopback mode is out of a browser's reach: a page of another site that DNS rebinding points at 127.0.0.1 names
/// its own Host, a cross-origin page's request says where it comes from, and a forwarding header means another
/// client is behind this one.
/// </summary>
public sealed class LoopbackModeTests(LoopbackHostFixture fixture) : IClassFixture<LoopbackHostFixture>
{
    private HttpClient Http => fixture.Host.Http;

    private async Task<string> VehicleAsync()
    {
        var id = $"car-{Guid.NewGuid():N}";
        (await Http.PutAsJsonAsync($"/api/vehicles/{id}", new { })).EnsureSuccessStatusCode();
        return id;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get)
        {
            request.Content = JsonContent.Create(new { targetSoc = 80 });
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request);
    }

    private async Task<JsonElement?> ChargingTargetAsync(string id)
    {
        using var twin = JsonDocument.Parse(await Http.GetStringAsync($"/api/vehicles/{id}"));
        return twin.RootElement.TryGetProperty("chargingTarget", out var target) && target.ValueKind == JsonValueKind.Object ? target.Clone() : null;
    }

    [Fact]
    public async Task A_request_whose_Host_does_not_name_this_machine_is_refused_and_changes_nothing()
    {
        var id = await VehicleAsync();

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put })
        {
            using var refused = await SendAsync(method, $"/api/vehicles/{id}/charging-target", ("Host", "evil.example"));
            Assert.Equal(HttpStatusCode.MisdirectedRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("evil.example", await refused.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await SendAsync(HttpMethod.Get, "/metrics", ("Host", "evil.example:80"))).StatusCode);
        Assert.Null(await ChargingTargetAsync(id));

        // This machine's names, with any port, and the configured one are served.
        foreach (var host in new[] { "localhost", $"LOCALHOST:{fixture.Host.HttpPort}", "127.0.0.1:1", "[::1]", $"{LoopbackHostFixture.ConfiguredName}:8080" })
        {
            using var served = await SendAsync(HttpMethod.Get, $"/api/vehicles/{id}", ("Host", host));
            Assert.True(served.StatusCode == HttpStatusCode.OK, $"Host {host}: {(int)served.StatusCode}");
        }

        // Providers' servers name the public host: signed webhooks are untouched.
        using var provider = new HttpClient { BaseAddress = Http.BaseAddress, DefaultRequestHeaders = { Host = "fleet.example.com" } };
        var vin = ApiKeys.NewVin();
        using var delivery = await new WebhookSender(provider).VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 50, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
    }

    [Theory]
    [InlineData("Forwarded", "for=203.0.113.7")]
    [InlineData("X-Real-IP", "203.0.113.7")]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("Forwarded", "for=unknown")]
    public async Task A_forwarded_request_from_a_peer_that_is_no_configured_proxy_is_not_a_loopback_client(string header, string value)
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/fleet/aggregates")).StatusCode);

        using var api = await SendAsync(HttpMethod.Get, "/api/fleet/aggregates", (header, value));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using var metrics = await SendAsync(HttpMethod.Get, "/metrics", (header, value));
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
    }

    [Theory]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task A_state_change_a_page_of_another_site_asks_for_is_refused(string header, string value)
    {
        var id = await VehicleAsync();

        using var put = await SendAsync(HttpMethod.Put, $"/api/vehicles/{id}/charging-target", (header, value));
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Contains(value, await put.Content.ReadAsStringAsync());
        using var command = await SendAsync(HttpMethod.Post, $"/api/vehicles/{id}/commands", (header, value));
        Assert.Equal(HttpStatusCode.Forbidden, command.StatusCode);
        Assert.Null(await ChargingTargetAsync(id));
        Assert.Equal("[]", await Http.GetStringAsync($"/api/vehicles/{id}/commands"));
        // Reading is not a change (and another site's page cannot read the answer).
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/api/vehicles/{id}", (header, value))).StatusCode);
    }

    [Fact]
    public async Task A_state_change_from_this_hosts_own_page_or_from_a_client_that_is_no_browser_is_served()
    {
        var own = $"http://127.0.0.1:{fixture.Host.HttpPort}";
        foreach (var headers in new[] { [("Origin", own)], [("Sec-Fetch-Site", "same-origin"), ("Origin", own)], Array.Empty<(string, string)>() })
        {
            var id = await VehicleAsync();
            using var put = await SendAsync(HttpMethod.Put, $"/api/vehicles/{id}/charging-target", headers);
            Assert.True(put.IsSuccessStatusCode, $"{string.Join(", ", headers)}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
            Assert.Equal(80, (await ChargingTargetAsync(id))?.GetProperty("targetSoc").GetDouble());
        }
    }
}
