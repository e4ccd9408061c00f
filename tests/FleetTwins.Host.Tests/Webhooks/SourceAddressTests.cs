using System.Net;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Webhooks;

/// <summary>Per-provider source allow-lists, with X-Forwarded-For believed only from a configured trusted proxy.</summary>
public sealed class SourceAddressTests
{
    private static Dictionary<string, string> Settings(bool trustLoopbackProxy)
    {
        var settings = WebhookSender.Settings();
        settings["Ingestion__Tracker__AllowedSources__0"] = "10.1.2.0/24";
        settings["Ingestion__Tracker__AllowedSources__1"] = "192.0.2.9";
        if (trustLoopbackProxy)
        {
            settings["Network__TrustedProxies__0"] = "127.0.0.1";
        }

        return settings;
    }

    private static async Task<HttpStatusCode> TrackerFromAsync(HostProcess host, string? forwardedFor)
    {
        using var http = new HttpClient { BaseAddress = host.Http.BaseAddress };
        if (forwardedFor is not null)
        {
            http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await new WebhookSender(http).TrackerAsync(WebhookSender.Fixture("tracker/overspeed.json"));
        return response.StatusCode;
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_forwarded_client_address_decides()
    {
        await using var host = await HostProcess.StartAsync(Settings(trustLoopbackProxy: true));

        Assert.Equal(HttpStatusCode.OK, await TrackerFromAsync(host, "10.1.2.7"));
        Assert.Equal(HttpStatusCode.OK, await TrackerFromAsync(host, "192.0.2.9"));
        // The proxy itself, a client outside the list, and a client that forged an allowed address in front of its own.
        Assert.Equal(HttpStatusCode.Forbidden, await TrackerFromAsync(host, null));
        Assert.Equal(HttpStatusCode.Forbidden, await TrackerFromAsync(host, "10.1.3.7"));
        Assert.Equal(HttpStatusCode.Forbidden, await TrackerFromAsync(host, "10.1.2.7, 198.51.100.4"));

        // Providers without a list are not affected.
        var volteras = await new WebhookSender(host.Http).VolterasAsync("device.telemetry",
            ApiKeys.StateOfCharge(ApiKeys.NewVin(), 40, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.OK, volteras.StatusCode);
    }

    [Fact]
    public async Task Without_a_trusted_proxy_a_forwarded_address_is_ignored()
    {
        await using var host = await HostProcess.StartAsync(Settings(trustLoopbackProxy: false));

        Assert.Equal(HttpStatusCode.Forbidden, await TrackerFromAsync(host, "10.1.2.7"));
        var refused = await new WebhookSender(host.Http).TrackerAsync(WebhookSender.Fixture("tracker/overspeed.json"));
        Assert.Contains("source address 127.0.0.1 may not deliver tracker events", await refused.Content.ReadAsStringAsync());
    }
}
