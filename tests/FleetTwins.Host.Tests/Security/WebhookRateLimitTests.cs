using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Security;

/// <summary>A provider's rate limit is spent by signed deliveries only, whatever the case of its path.</summary>
public sealed class WebhookRateLimitTests
{
    [Fact]
    public async Task Unsigned_requests_do_not_spend_a_providers_budget_and_path_case_variants_share_it()
    {
        var settings = ApiKeys.AddTo(WebhookSender.Settings());
        settings["RateLimits__Webhooks__PermitsPerSecond"] = "1";
        settings["RateLimits__Webhooks__Burst"] = "5";
        settings["RateLimits__Api__PermitsPerSecond"] = "1";
        settings["RateLimits__Api__Burst"] = "2";
        await using var host = await HostProcess.StartAsync(settings);
        var http = ApiKeys.Client(host, null);
        var sender = new WebhookSender(http);
        byte[] Reading() => ApiKeys.StateOfCharge(ApiKeys.NewVin(), 50, DateTimeOffset.UtcNow);

        var unsigned = new List<HttpStatusCode>();
        for (var i = 0; i < 50; i++)
        {
            using var response = await http.PostAsync("/webhooks/volteras/device.telemetry", new ByteArrayContent(Reading()));
            unsigned.Add(response.StatusCode);
        }

        var signed = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            signed.Add((await sender.VolterasAsync("device.telemetry", Reading())).StatusCode);
        }

        var variants = new List<HttpStatusCode>();
        foreach (var path in new[] { "/webhooks/Volteras/device.telemetry", "/webhooks/VOLTERAS/device.telemetry", "/Webhooks/volteras/device.telemetry",
                     "/webhooks/vOlteras/device.telemetry", "/WEBHOOKS/VOLTERAS/device.telemetry" })
        {
            variants.Add((await sender.SignedAsync(path, WebhookSender.VolterasSecret, Reading())).StatusCode);
        }

        Assert.All(unsigned, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(signed, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Contains(HttpStatusCode.TooManyRequests, variants);
    }

    [Fact]
    public async Task Over_the_api_limit_a_request_accepting_no_json_gets_429_problem_details()
    {
        var settings = ApiKeys.AddTo(WebhookSender.Settings());
        settings["RateLimits__Api__PermitsPerSecond"] = "1";
        settings["RateLimits__Api__Burst"] = "2";
        await using var host = await HostProcess.StartAsync(settings);
        var client = ApiKeys.Client(host, ApiKeys.ReadOnly);

        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/fleet/watch");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(429, JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("Unable to find a registered", host.Output);
        limited.Dispose();
    }
}
