using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Api;

/// <summary>
/// Rate limits per credential, on a host configured with small buckets (a burst of 3 or 2, then 1 per second). A
/// bucket is drained by sending until the first refusal — however slow the machine, a few requests do it — so no
/// test depends on how many fit into a second; what must not be held back is asked of a bucket nobody used.
/// </summary>
public sealed class RateLimitTests
{
    private static async Task<HostProcess> StartAsync()
    {
        var settings = ApiKeys.AddTo(WebhookSender.Settings());
        settings["RateLimits__Api__PermitsPerSecond"] = "1";
        settings["RateLimits__Api__Burst"] = "3";
        settings["RateLimits__Webhooks__PermitsPerSecond"] = "1";
        settings["RateLimits__Webhooks__Burst"] = "2";
        settings["Network__TrustedProxies__0"] = "127.0.0.1";
        return await HostProcess.StartAsync(settings);
    }

    /// <summary>Sends until an answer is 429 and answers that one; fails if 50 in a row get through.</summary>
    private static async Task<HttpResponseMessage> UntilRefusedAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var i = 0; i < 50; i++)
        {
            var response = await send();
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return response;
            }

            response.Dispose();
        }

        throw new Xunit.Sdk.XunitException("50 requests in a row were not limited");
    }

    /// <summary>An API request as if from <paramref name="address"/> (behind the trusted loopback proxy), with a key or none.</summary>
    private static Func<Task<HttpResponseMessage>> From(HostProcess host, string address, string? key) => () =>
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/fleet/aggregates");
        request.Headers.Add("X-Forwarded-For", address);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return host.Http.SendAsync(request);
    };

    [Fact]
    public async Task Each_api_key_and_each_webhook_provider_has_its_own_bucket_and_over_it_gets_429_with_retry_after()
    {
        await using var host = await StartAsync();
        var readOnly = ApiKeys.Client(host, ApiKeys.ReadOnly);

        using var refused = await UntilRefusedAsync(() => readOnly.GetAsync("/api/fleet/aggregates"));
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        Assert.Contains("Too many requests", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Another key, and health, are not held back by that key's bucket.
        Assert.Equal(HttpStatusCode.OK, (await ApiKeys.Client(host, ApiKeys.All).GetAsync("/api/fleet/aggregates")).StatusCode);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync("/health/live")).StatusCode);
        }

        // A webhook provider over its bucket gets 429 in its own answer shape; another provider is not held back.
        var sender = new WebhookSender(ApiKeys.Client(host, null));
        using var tooMany = await UntilRefusedAsync(() => sender.TrackerAsync(WebhookSender.Fixture("tracker/overspeed.json")));
        Assert.True(tooMany.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {tooMany.Headers.RetryAfter}");
        using var body = JsonDocument.Parse(await tooMany.Content.ReadAsStringAsync());
        Assert.Equal("error", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK,
            (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(ApiKeys.NewVin(), 50, DateTimeOffset.UtcNow))).StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_valid_key_share_one_bucket_per_client_address()
    {
        await using var host = await StartAsync();

        // Anonymous requests from one address run its bucket dry...
        using var refused = await UntilRefusedAsync(From(host, "203.0.113.7", null));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        // ...which holds back neither another address nor a valid key sent from that address.
        Assert.Equal(HttpStatusCode.Unauthorized, (await From(host, "203.0.113.8", null)()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await From(host, "203.0.113.7", ApiKeys.ReadOnly)()).StatusCode);

        // Wrong keys are no key: guessing from one address runs into that address's bucket, not another's.
        using var guessing = await UntilRefusedAsync(From(host, "203.0.113.9", "wrong-key-0123456789abc"));
        Assert.Equal(HttpStatusCode.TooManyRequests, guessing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await From(host, "203.0.113.10", "wrong-key-0123456789abc")()).StatusCode);
    }

    [Fact]
    public async Task With_no_key_configured_only_loopback_clients_are_served()
    {
        var settings = WebhookSender.Settings();
        settings["Network__TrustedProxies__0"] = "127.0.0.1";
        await using var host = await HostProcess.StartAsync(settings);

        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/fleet/aggregates")).StatusCode);
        using var remote = await From(host, "203.0.113.7", null)();
        Assert.Equal(HttpStatusCode.Unauthorized, remote.StatusCode);
        Assert.Contains("only loopback clients", await remote.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Api__Keys__N", host.Output, StringComparison.Ordinal); // and it says so at start-up
    }
}
