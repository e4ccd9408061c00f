using System.Net;
using System.Net.Http.Headers;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Webhooks;

/// <summary>The tracker endpoint's optional request signature (Standard Webhooks headers) on top of its token.</summary>
public sealed class TrackerSignatureTests
{
    private const string Secret = "whsec_dHJhY2tlci1zaWduaW5nLXNlY3JldC0yMDI2";

    [Fact]
    public async Task With_secrets_configured_a_push_needs_a_valid_signature_as_well_as_the_token()
    {
        var settings = WebhookSender.Settings();
        settings["Ingestion__Tracker__Secrets__0"] = Secret;
        await using var host = await HostProcess.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = host.Http.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WebhookSender.TrackerToken);
        var sender = new WebhookSender(http);
        var body = WebhookSender.Fixture("tracker/overspeed.json");

        using var unsigned = await sender.TrackerAsync(body);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Contains("missing svix-id", await unsigned.Content.ReadAsStringAsync());

        using var wrongSecret = await sender.SignedAsync("/webhooks/tracker", WebhookSender.VolterasSecret, body, headerPrefix: "webhook");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Contains("signature rejected", await wrongSecret.Content.ReadAsStringAsync());

        using var signed = await sender.SignedAsync("/webhooks/tracker", Secret, body, headerPrefix: "webhook");
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);

        // The signature does not replace the token.
        http.DefaultRequestHeaders.Authorization = null;
        using var noToken = await sender.SignedAsync("/webhooks/tracker", Secret, body, headerPrefix: "webhook");
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
    }
}
