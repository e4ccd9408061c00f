using System.Net;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Security;

/// <summary>Behind a trusted proxy on loopback, with no API keys: only this machine's own clients are served.</summary>
public sealed class ForwardedClientTests
{
    private static async Task<HttpStatusCode> GetAsync(HostProcess host, string path, string? forwardedFor, string header = "X-Forwarded-For")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedFor is not null)
        {
            request.Headers.Add(header, forwardedFor);
        }

        using var response = await host.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_forwarded_request_is_never_a_loopback_client_even_when_its_last_entry_does_not_parse()
    {
        var settings = WebhookSender.Settings();
        settings["Network__TrustedProxies__0"] = "127.0.0.1";
        await using var host = await HostProcess.StartAsync(settings);

        Assert.Equal(HttpStatusCode.OK, await GetAsync(host, "/api/fleet/aggregates", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(host, "/api/fleet/aggregates", "8.8.8.8"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(host, "/api/fleet/aggregates", "8.8.8.8, unknown"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(host, "/api/fleet/aggregates", "unknown"));
        Assert.NotEqual(HttpStatusCode.OK, await GetAsync(host, "/metrics", "8.8.8.8, unknown"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(host, "/metrics", null));
    }

    [Fact]
    public async Task A_request_a_trusted_proxy_forwards_with_Forwarded_or_X_Real_IP_only_is_not_a_loopback_client()
    {
        var settings = WebhookSender.Settings();
        settings["Network__TrustedProxies__0"] = "127.0.0.1";
        await using var host = await HostProcess.StartAsync(settings);

        foreach (var (header, value) in new[] { ("Forwarded", "for=203.0.113.7"), ("X-Real-IP", "203.0.113.7") })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(host, "/api/fleet/aggregates", value, header));
            Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(host, "/metrics", value, header));
        }
    }
}
