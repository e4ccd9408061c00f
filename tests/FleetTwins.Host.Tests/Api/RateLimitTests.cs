using System.Net;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Api;

/// <summary>Rate limits per credential, on a host configured with small buckets.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Each_api_key_and_each_webhook_provider_has_its_own_bucket_and_over_it_gets_429_with_retry_after()
    {
        var settings = ApiKeys.AddTo(WebhookSender.Settings());
        settings["RateLimits__Api__PermitsPerSecond"] = "1";
        settings["RateLimits__Api__Burst"] = "3";
        settings["RateLimits__Webhooks__PermitsPerSecond"] = "1";
        settings["RateLimits__Webhooks__Burst"] = "2";
        await using var host = await HostProcess.StartAsync(settings);

        var readOnly = ApiKeys.Client(host, ApiKeys.ReadOnly);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await readOnly.GetAsync("/api/fleet/aggregates")).StatusCode);
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        using var refused = await readOnly.GetAsync("/api/fleet/aggregates");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Contains("Too many requests", (await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // Another key, health and another provider are not held back by that key's bucket.
        Assert.Equal(HttpStatusCode.OK, (await ApiKeys.Client(host, ApiKeys.All).GetAsync("/api/fleet/aggregates")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync("/health/live")).StatusCode);

        var sender = new WebhookSender(ApiKeys.Client(host, null));
        var tracker = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            tracker.Add(await sender.TrackerAsync(WebhookSender.Fixture("tracker/overspeed.json")));
        }

        var tooMany = tracker.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(tooMany);
        using var body = JsonDocument.Parse(await tooMany.Content.ReadAsStringAsync());
        Assert.Equal("error", body.RootElement.GetProperty("status").GetString());
        Assert.NotEqual(HttpStatusCode.TooManyRequests,
            (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(ApiKeys.NewVin(), 50, DateTimeOffset.UtcNow))).StatusCode);
    }
}
