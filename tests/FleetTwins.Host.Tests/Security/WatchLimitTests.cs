using System.Net;
using System.Text.Json;
using FleetTwins.Grpc.V1;
using FleetTwins.Host.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;

namespace FleetTwins.Host.Tests.Security;

/// <summary>
/// Open watches (SSE and gRPC streams) are capped per API key (<c>Watches:MaxPerKey</c>) and in total
/// (<c>Watches:MaxTotal</c>): one read key must not hold a connection and a file descriptor per watch without bound.
/// </summary>
public sealed class WatchLimitTests
{
    private const string OtherReader = "second-read-key-0123456789";

    private static Dictionary<string, string> Settings()
    {
        var settings = ApiKeys.AddTo(WebhookSender.Settings());
        settings["Api__Keys__3"] = $"{OtherReader}:read";
        settings["Watches__MaxPerKey"] = "3";
        settings["Watches__MaxTotal"] = "5";
        return settings;
    }

    [Fact]
    public async Task Sse_watches_beyond_the_keys_cap_or_the_hosts_cap_answer_429_with_the_setting_and_free_up_when_closed()
    {
        await using var host = await HostProcess.StartAsync(Settings());
        using var reader = ApiKeys.Client(host, ApiKeys.ReadOnly);
        using var all = ApiKeys.Client(host, ApiKeys.All);
        using var other = ApiKeys.Client(host, OtherReader);
        var open = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                open.Add(await OpenAsync(reader, HttpStatusCode.OK));
            }

            using (var refused = await OpenAsync(reader, HttpStatusCode.TooManyRequests))
            {
                await AssertReasonAsync(refused, "Watches:MaxPerKey");
            }

            // Another key is not charged for the first key's watches, up to the host's total.
            open.Add(await OpenAsync(all, HttpStatusCode.OK));
            open.Add(await OpenAsync(all, HttpStatusCode.OK));
            using (var full = await OpenAsync(other, HttpStatusCode.TooManyRequests))
            {
                await AssertReasonAsync(full, "Watches:MaxTotal");
            }

            // A closed watch gives its place back (once the host notices the connection is gone).
            open[0].Dispose();
            open.RemoveAt(0);
            var again = await Eventually.ReturnsAsync(() => OpenAsync(other, null), r => KeepIfOk(r), TimeSpan.FromSeconds(10), "a place freed by a closed watch");
            open.Add(again);
        }
        finally
        {
            open.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public async Task Grpc_watches_share_the_caps_and_are_refused_with_resource_exhausted()
    {
        await using var host = await HostProcess.StartAsync(Settings());
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{host.GrpcPort}");
        var client = new VehicleTwins.VehicleTwinsClient(channel);
        using var reader = ApiKeys.Client(host, ApiKeys.ReadOnly);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var calls = new List<AsyncServerStreamingCall<FleetWatchEvent>>();
        HttpResponseMessage? sse = null;
        try
        {
            for (var i = 0; i < 2; i++)
            {
                calls.Add(await WatchFleetAsync(client, ApiKeys.ReadOnly, cancel.Token));
            }

            // Two gRPC streams and one SSE watch fill the read key's three places.
            sse = await OpenAsync(reader, HttpStatusCode.OK);
            using var refused = client.WatchFleet(new WatchFleetRequest(), Bearer(ApiKeys.ReadOnly), cancellationToken: cancel.Token);
            var perKey = await Assert.ThrowsAsync<RpcException>(() => refused.ResponseStream.MoveNext(cancel.Token));
            Assert.Equal(StatusCode.ResourceExhausted, perKey.StatusCode);
            Assert.Contains("Watches:MaxPerKey", perKey.Status.Detail);

            calls.Add(await WatchFleetAsync(client, ApiKeys.All, cancel.Token));
            calls.Add(await WatchFleetAsync(client, ApiKeys.All, cancel.Token));
            using var full = client.WatchFleet(new WatchFleetRequest(), Bearer(OtherReader), cancellationToken: cancel.Token);
            var total = await Assert.ThrowsAsync<RpcException>(() => full.ResponseStream.MoveNext(cancel.Token));
            Assert.Equal(StatusCode.ResourceExhausted, total.StatusCode);
            Assert.Contains("Watches:MaxTotal", total.Status.Detail);
        }
        finally
        {
            sse?.Dispose();
            calls.ForEach(c => c.Dispose());
        }
    }

    private static Metadata Bearer(string key) => new() { { "authorization", $"Bearer {key}" } };

    /// <summary>A fleet watch over gRPC, once its first event (<c>ready</c>) came: the host holds it open.</summary>
    private static async Task<AsyncServerStreamingCall<FleetWatchEvent>> WatchFleetAsync(VehicleTwins.VehicleTwinsClient client, string key,
        CancellationToken cancellationToken)
    {
        var call = client.WatchFleet(new WatchFleetRequest(), Bearer(key), cancellationToken: cancellationToken);
        Assert.True(await call.ResponseStream.MoveNext(cancellationToken));
        Assert.NotNull(call.ResponseStream.Current.Ready);
        return call;
    }

    /// <summary>A fleet watch over SSE, its headers read; asserts the status when one is expected.</summary>
    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client, HttpStatusCode? expected)
    {
        var response = await client.GetAsync("/api/fleet/watch", HttpCompletionOption.ResponseHeadersRead);
        if (expected is { } status && response.StatusCode != status)
        {
            var body = response.StatusCode == HttpStatusCode.OK ? "(a stream)" : await response.Content.ReadAsStringAsync();
            response.Dispose();
            Assert.Fail($"expected {status}, got {(int)response.StatusCode}: {body}");
        }

        return response;
    }

    private static bool KeepIfOk(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return true;
        }

        response.Dispose();
        return false;
    }

    private static async Task AssertReasonAsync(HttpResponseMessage response, string setting)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains(setting, problem.GetProperty("detail").GetString());
    }
}
