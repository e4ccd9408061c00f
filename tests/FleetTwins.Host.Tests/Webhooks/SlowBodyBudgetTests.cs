using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Host.Tests.Security;

namespace FleetTwins.Host.Tests.Webhooks;

/// <summary>
/// Unauthenticated bytes never take what signed deliveries need: slow bodies that announce 1 MiB and drip, with
/// plausible but forged signature headers, held open beside correctly signed Volteras deliveries.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class SlowBodyBudgetTests(ITestOutputHelper output)
{
    private const int SlowClients = 200;
    private const int SignedDeliveries = 60;
    private const int Announced = 1024 * 1024;
    private const string Path = "/webhooks/volteras/device.telemetry";

    /// <summary>512 bytes a second to every slow client the host has not closed, until stopped.</summary>
    private static async Task DripAsync(IReadOnlyList<TcpClient> clients, CancellationToken stop)
    {
        var chunk = Enumerable.Repeat((byte)' ', 512).ToArray();
        var closed = new bool[clients.Count];
        using var pace = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await pace.WaitForNextTickAsync(stop))
            {
                for (var i = 0; i < clients.Count; i++)
                {
                    try
                    {
                        closed[i] = closed[i] || !clients[i].Connected;
                        if (!closed[i])
                        {
                            await clients[i].GetStream().WriteAsync(chunk, stop);
                        }
                    }
                    catch (IOException)
                    {
                        closed[i] = true;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Whatever the host answered on <paramref name="client"/> until it closed the connection, or the deadline.</summary>
    private static async Task<string> AnswerAsync(TcpClient client, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await client.GetStream().ReadAsync(buffer, deadline.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    [Fact]
    public async Task Two_hundred_slow_unsigned_bodies_leave_signed_deliveries_served_with_p99_under_1_s_and_are_cut_off_with_408()
    {
        var settings = WebhookSender.Settings();
        // The smallest budgets that 1 MiB bodies allow: what 200 slow unsigned bodies could fill at once.
        settings["Ingestion__MaxInFlightBytesPerProvider"] = Announced.ToString(CultureInfo.InvariantCulture);
        settings["Ingestion__MaxInFlightBytes"] = Announced.ToString(CultureInfo.InvariantCulture);
        await using var host = await HostProcess.StartAsync(settings);
        var sender = new WebhookSender(host.Http);
        (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(ApiKeys.NewVin(), 50, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();

        var slow = new List<TcpClient>();
        using var stopDrip = new CancellationTokenSource();
        try
        {
            for (var i = 0; i < SlowClients; i++)
            {
                // The first 8 KiB at once, as a client writes them, then a drip.
                slow.Add(await LoadCeilingTests.SlowBodyAsync(host, Path, Announced, 8192));
            }

            var drip = DripAsync(slow, stopDrip.Token);
            var answers = new ConcurrentBag<(HttpStatusCode Status, double Milliseconds, string Body)>();
            await Parallel.ForEachAsync(Enumerable.Range(0, SignedDeliveries), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(ApiKeys.NewVin(), 60, DateTimeOffset.UtcNow));
                answers.Add((response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds, await response.Content.ReadAsStringAsync()));
            });
            var stillHeld = slow.Count(c => c.Connected && c.Available == 0);

            var refused = answers.Where(a => a.Status != HttpStatusCode.OK).ToList();
            var sorted = answers.Select(a => a.Milliseconds).Order().ToList();
            var p99 = sorted[(int)Math.Ceiling(0.99 * sorted.Count) - 1];
            output.WriteLine($"{SignedDeliveries - refused.Count} of {SignedDeliveries} signed deliveries answered 200, p99 {p99:F1} ms, beside {stillHeld} of {SlowClients} slow bodies held");
            Assert.Empty(refused);
            Assert.True(p99 < 1000, $"signed delivery p99 {p99:F1} ms beside {SlowClients} slow bodies");
            Assert.Equal(SlowClients, stillHeld);

            // Then each drip is cut off by the body deadline (10 s by default) with an answer that names it.
            var cutOff = await Task.WhenAll(slow.Select(c => AnswerAsync(c, TimeSpan.FromSeconds(30))));
            await stopDrip.CancelAsync();
            await drip;
            Assert.All(cutOff, answer =>
            {
                Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
                Assert.Contains("Ingestion:BodyTimeout", answer, StringComparison.Ordinal);
            });
        }
        finally
        {
            await stopDrip.CancelAsync();
            slow.ForEach(c => c.Dispose());
        }
    }
}
