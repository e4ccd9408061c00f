using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Security;

/// <summary>Bounded load tests run one at a time, after the others: their ceilings must not measure a neighbour's load.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadCollection
{
    public const string Name = "load";
}

/// <summary>
/// The attack's two resource findings as bounded load tests with a ceiling: slow webhook bodies announcing 1 MiB (F2:
/// RSS) and costly fleet searches from a read key (F7: webhook p99). Figures go to the test output.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class LoadCeilingTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// Opens a connection that announces a body of <paramref name="announced"/> bytes with signature headers an attacker
    /// can forge (a current timestamp, a signature of the right shape), sends <paramref name="sent"/> of them and holds.
    /// </summary>
    internal static async Task<TcpClient> SlowBodyAsync(HostProcess host, string path, int announced, int sent)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.HttpPort);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var head = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {announced}\r\n"
            + $"svix-id: msg_{Guid.NewGuid():N}\r\nsvix-timestamp: {now}\r\nsvix-signature: v1,{Convert.ToBase64String(new byte[32])}\r\n\r\n";
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
        await tcp.GetStream().WriteAsync(Enumerable.Repeat((byte)' ', sent).ToArray());
        return tcp;
    }

    [Fact]
    public async Task Eight_hundred_slow_bodies_announcing_1_MiB_and_stalling_halfway_raise_rss_by_less_than_128_MiB()
    {
        await using var host = await HostProcess.StartAsync(WebhookSender.Settings());
        var sender = new WebhookSender(host.Http);
        for (var i = 0; i < 20; i++)
        {
            (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(ApiKeys.NewVin(), 50, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();
        }

        var before = host.ResidentBytes();
        var sockets = new List<TcpClient>();
        long peak;
        try
        {
            for (var i = 0; i < 800; i++)
            {
                sockets.Add(await SlowBodyAsync(host, "/webhooks/volteras/device.telemetry", (int)MiB, 512 * 1024));
            }

            // Measured for three seconds while they stall (Kestrel's minimum data rate gives them five).
            peak = before;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                peak = Math.Max(peak, host.ResidentBytes());
                await Task.Delay(100);
            }
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }

        await Eventually.ReturnsAsync(
            () => sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(ApiKeys.NewVin(), 51, DateTimeOffset.UtcNow)),
            r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "a delivery to be served once the slow bodies went");
        var growth = peak - before;
        output.WriteLine($"RSS {before / MiB} MiB before, {peak / MiB} MiB at peak with 800 bodies stalled at 512 KiB of 1 MiB: +{growth / MiB} MiB");
        Assert.True(growth < 128 * MiB, $"RSS grew by {growth / MiB} MiB (from {before / MiB} MiB) with 800 bodies stalled at 512 KiB of 1 MiB");
    }

    [Fact]
    public async Task Beyond_a_providers_in_flight_budget_its_deliveries_get_503_while_other_providers_are_served()
    {
        var settings = WebhookSender.Settings();
        settings["Ingestion__MaxBodyBytes"] = "65536";
        settings["Ingestion__MaxInFlightBytesPerProvider"] = "65536";
        await using var host = await HostProcess.StartAsync(settings);
        var sender = new WebhookSender(host.Http);
        // A valid reading padded to 40 KB: its body needs a 64 KB buffer, the provider's whole budget.
        byte[] Padded() => [.. ApiKeys.StateOfCharge(ApiKeys.NewVin(), 50, DateTimeOffset.UtcNow), .. Enumerable.Repeat((byte)' ', 40_000)];
        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", Padded())).StatusCode);
        var sockets = new List<TcpClient>();
        try
        {
            // Each past its own first Ingestion:PerDeliveryBodyBytes (16 KiB): only bytes beyond them take the shared budget.
            for (var i = 0; i < 12; i++)
            {
                sockets.Add(await SlowBodyAsync(host, "/webhooks/volteras/device.telemetry", 65536, 40_000));
            }

            var busy = await Eventually.ReturnsAsync(() => sender.VolterasAsync("device.telemetry", Padded()),
                r => r.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(5), "a Volteras delivery to find the budget spent");
            Assert.True(busy.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            Assert.Contains("in flight", await busy.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await sender.TrackerAsync(WebhookSender.Fixture("tracker/overspeed.json"))).StatusCode);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }

        await Eventually.ReturnsAsync(() => sender.VolterasAsync("device.telemetry", Padded()),
            r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "the budget to come back once the slow bodies went");
    }

    [Fact]
    public async Task Costly_searches_from_a_read_key_keep_webhook_p99_under_500_ms()
    {
        const int twins = 20_000;
        await using var host = await HostProcess.StartAsync(ApiKeys.AddTo(WebhookSender.Settings()), TimeSpan.FromSeconds(90));
        var sender = new WebhookSender(ApiKeys.Client(host, null));
        await Parallel.ForEachAsync(Enumerable.Range(0, twins), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $$$$"""{"metricType":"LOCATION","vehicle":{"id":"load-{{{{i}}}}"},"timestamp":"{{{{DateTimeOffset.UtcNow.AddMinutes(-1):O}}}}","location":{"value":{"latitude":{{{{52 + (i % 100) / 100.0}}}},"longitude":{{{{13 + (i / 100) / 200.0}}}}}}}"""));
            (await sender.VolterasAsync("device.telemetry", body)).EnsureSuccessStatusCode();
        });
        var reader = ApiKeys.Client(host, ApiKeys.All);
        await Eventually.ReturnsAsync(() => reader.GetStringAsync("/api/fleet/aggregates"), a => a.Contains($"\"count\":{twins}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "the projection to hold every twin");

        var baseline = await WebhookLatenciesAsync(sender, TimeSpan.FromSeconds(5));
        var statuses = new ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        string Near(int conditions) => Uri.EscapeDataString(string.Join(" or ",
            Enumerable.Range(0, conditions).Select(c => string.Create(CultureInfo.InvariantCulture, $"near({52 + Random.Shared.NextDouble():F3}, {13 + Random.Shared.NextDouble() / 2:F3}, {1 + c % 5}km)"))));
        var attack = Enumerable.Range(0, 32).Select(worker => Task.Run(async () =>
        {
            var client = ApiKeys.Client(host, ApiKeys.ReadOnly);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    // The 64 near() conditions, and 30 (within one request's budget, not within a key's rate).
                    using var response = await client.GetAsync($"/api/vehicles?limit=50&filter={Near(worker % 2 == 0 ? 64 : 30)}", stop.Token);
                    statuses.Add(response.StatusCode);
                }
                catch (OperationCanceledException)
                {
                }
            }
        })).ToList();
        var during = await WebhookLatenciesAsync(sender, TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await Task.WhenAll(attack);

        var (p99Before, p99During) = (Percentile(baseline, 0.99), Percentile(during, 0.99));
        var counts = string.Join(", ", statuses.GroupBy(s => (int)s).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        output.WriteLine($"webhook p99 {p99Before:F1} ms alone ({baseline.Count} deliveries), {p99During:F1} ms under 32 concurrent searches ({during.Count} deliveries); searches answered {counts}");
        Assert.True(p99During < 500, $"webhook p99 {p99During:F1} ms under the search attack (alone {p99Before:F1} ms); searches answered {counts}");
        Assert.Contains(HttpStatusCode.BadRequest, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    /// <summary>Signed Volteras readings one after another for <paramref name="duration"/>: each one's time to its 200, in ms.</summary>
    private static async Task<List<double>> WebhookLatenciesAsync(WebhookSender sender, TimeSpan duration)
    {
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(ApiKeys.NewVin(), 60, DateTimeOffset.UtcNow));
            response.EnsureSuccessStatusCode();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await Task.Delay(20);
        }

        return latencies;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
