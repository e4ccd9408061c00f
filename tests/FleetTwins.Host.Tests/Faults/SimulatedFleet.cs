using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FleetTwins.Host.Tests.Amqp;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Simulator;
using SimulatorOptions = FleetTwins.Simulator.Options;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// The simulator's event mix with known content, for the fault scenarios: a fixed list of deliveries from every
/// provider (Svix-signed Volteras and Telematica webhooks, tracker pushes, INVERS messages) with the provider's
/// retries, reordering and bursts in it; and the twins they must produce, taken from a run on a fault-free
/// embedded host. A scenario sends the same list through its faults and compares every twin and its
/// notifications with these — a lost delivery, a doubled one or an older reading over a newer one shows as a
/// difference (versions count applied deliveries; readings carry their own times).
/// </summary>
public sealed class SimulatedFleet : IAsyncLifetime
{
    public const int Vehicles = 8;

    /// <summary>Fields set from the server's clock rather than from what was sent: they differ between two correct runs.</summary>
    private static readonly string[] ServerClockFields = ["lastSeenAt", "createdAt", "updatedAt", "offlineSince"];

    private static readonly string[] ServerClockNotifications = ["vehicle-online", "vehicle-offline"];

    /// <summary>400 deliveries; <c>FLEETTWINS_SOAK=N</c> makes it N times as many (a soak run, outside the suite's budget).</summary>
    public IReadOnlyList<Delivery> Deliveries { get; } = [.. new Deliveries(new SimulatorOptions
    {
        Vehicles = Vehicles,
        Seed = 4242,
        Duplicates = 0.05,
        Reorder = 0.05,
        Bursts = 0.02,
    }).Take(400 * Soak)];

    private static int Soak => int.TryParse(Environment.GetEnvironmentVariable("FLEETTWINS_SOAK"), out var n) && n > 1 ? n : 1;

    /// <summary>Twin id → its state and notifications, as the fault-free run left them.</summary>
    public IReadOnlyDictionary<string, string> Expected { get; private set; } = new Dictionary<string, string>();

    /// <summary>
    /// Settings both runs share: the offline announcement waits for a dwell time on the server's clock, so a run
    /// slowed down by its faults would announce vehicles offline that a quick run did not; a day keeps it out.
    /// </summary>
    public static Dictionary<string, string> Settings(AmqpQueue queue, Dictionary<string, string> extra)
    {
        var settings = InversAmqpTests.Settings(queue, extra);
        settings["Notifications__OfflineDwell"] = "1.00:00:00";
        return settings;
    }

    public async ValueTask InitializeAsync()
    {
        await using var queue = await AmqpQueue.CreateAsync();
        await using var host = await HostProcess.StartAsync(Settings(queue, WebhookSender.Settings()));
        var sender = new FleetSender(queue, () => [host]);
        await sender.SendAsync(Deliveries);
        await Eventually.ReturnsAsync(() => queue.ReadyAsync(queue.Name), ready => ready == 0, TimeSpan.FromSeconds(60), "the reference queue drained");

        var ids = await TwinIdsAsync(host);
        Assert.True(ids.Count >= Vehicles * 3, $"the reference run made {ids.Count} twins");

        // Settled when two snapshots a second apart agree (the last INVERS messages may still be in flight).
        IReadOnlyDictionary<string, string> previous = new Dictionary<string, string>();
        var settled = await Eventually.ReturnsAsync(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var (last, current) = (previous, await SnapshotAsync(host, ids));
            previous = current;
            return (Settled: Same(last, current), Snapshot: current);
        }, s => s.Settled, TimeSpan.FromSeconds(60), "the reference run settled");
        Expected = settled.Snapshot;
        Assert.Empty(await ParkedAsync(queue));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Waits until every twin on <paramref name="host"/> equals the fault-free run's; fails with the differences.</summary>
    public async Task AssertEveryTwinAsExpectedAsync(HostProcess host, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, string> actual = new Dictionary<string, string>();
        while (clock.Elapsed < within)
        {
            try
            {
                actual = await SnapshotAsync(host, Expected.Keys);
                if (Same(Expected, actual))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // The cluster is still settling.
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var differences = Expected.Where(e => actual.GetValueOrDefault(e.Key) != e.Value)
            .Select(e => $"{e.Key}:\n  expected {e.Value}\n  actual   {actual.GetValueOrDefault(e.Key) ?? "(none)"}").Take(3);
        Assert.Fail($"{Expected.Count(e => actual.GetValueOrDefault(e.Key) != e.Value)} of {Expected.Count} twins differ after {within}:\n{string.Join('\n', differences)}");
    }

    /// <summary>The ids of the notifications every twin raised, as the fault-free run raised them.</summary>
    public IEnumerable<string> ExpectedNotificationIds => Expected.Values
        .SelectMany(v => JsonNode.Parse(v)!["notifications"]!.AsArray())
        .Select(n => n!["id"]?.GetValue<string>())
        .OfType<string>();

    public static async Task<IReadOnlyList<string>> ParkedAsync(AmqpQueue queue) =>
        await queue.ReadyAsync(queue.ParkingQueue) is var n && n == 0 ? [] : [$"{n} messages parked in {queue.ParkingQueue}"];

    private static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out var other) && other == e.Value);

    private static async Task<List<string>> TwinIdsAsync(HostProcess host)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = JsonNode.Parse(await host.Http.GetStringAsync($"/api/vehicles?limit=500{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}"))!;
            ids.AddRange(page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return ids;
    }

    /// <summary>Every twin read from its grain (not the search projection), with what the server's clock set left out.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> SnapshotAsync(HostProcess host, IEnumerable<string> ids)
    {
        var snapshot = new Dictionary<string, string>();
        foreach (var id in ids)
        {
            using var response = await host.Http.GetAsync($"/api/vehicles/{id}");
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                continue;
            }

            response.EnsureSuccessStatusCode();
            var twin = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            foreach (var field in ServerClockFields)
            {
                twin.Remove(field);
            }

            (twin["connectivity"] as JsonObject)?.Remove("at");
            var notifications = JsonNode.Parse(await host.Http.GetStringAsync($"/api/vehicles/{id}/notifications"))!.AsArray();
            foreach (var n in notifications.OfType<JsonObject>().Where(n => ServerClockNotifications.Contains(n["type"]?.GetValue<string>())))
            {
                n.Remove("id");
                n.Remove("at");
            }

            twin["notifications"] = new JsonArray([.. notifications.Select(n => n!.ToJsonString()).Order(StringComparer.Ordinal).Select(s => JsonNode.Parse(s))]);
            snapshot[id] = twin.ToJsonString();
        }

        return snapshot;
    }
}

/// <summary>
/// Sends deliveries one after another as their providers do: INVERS messages to the AMQP queue (published with
/// retries), webhooks to one of the live silos in turn — and, like a provider's retry policy, again to the next
/// silo when the answer is a 5xx or 429 or the connection fails. Any other refusal of a valid delivery fails the test.
/// <paramref name="pace"/> spaces the deliveries so that the stream outlasts the faults injected into it.
/// </summary>
public sealed class FleetSender(AmqpQueue queue, Func<IReadOnlyList<HostProcess>> silos, TimeSpan pace = default)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(3);

    /// <summary>The test hosts' secrets (<see cref="WebhookSender.Settings"/>), for the simulator's signing.</summary>
    private static readonly SimulatorOptions Secrets = new()
    {
        VolterasSecret = WebhookSender.VolterasSecret,
        TelematicaSecret = WebhookSender.TelematicaSecret,
        TrackerToken = WebhookSender.TrackerToken,
    };
    private int next;
    private int sent;

    /// <summary>Deliveries sent so far (accepted with a 2xx, or published).</summary>
    public int Sent => Volatile.Read(ref sent);

    /// <summary>Answers that asked for a retry (5xx, 429) or connections that failed.</summary>
    public int Retries { get; private set; }

    /// <summary>The longest a webhook waited for its answer.</summary>
    public TimeSpan LongestAnswer { get; private set; }

    public async Task SendAsync(IEnumerable<Delivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            await SendAsync(delivery);
            Interlocked.Increment(ref sent);
            if (pace > TimeSpan.Zero)
            {
                await Task.Delay(pace);
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> deliveries were sent.</summary>
    public async Task SentAtLeastAsync(int count)
    {
        while (Sent < count)
        {
            await Task.Delay(50);
        }
    }

    private async Task SendAsync(Delivery delivery)
    {
        if (delivery.Provider == "invers")
        {
            await queue.PublishReliablyAsync(Encoding.UTF8.GetString(delivery.Body), delivery.Id, delivery.Target, version: 2);
            return;
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            var live = silos().Where(s => !s.HasExited).ToList();
            if (live.Count > 0)
            {
                var host = live[next++ % live.Count];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await host.Http.SendAsync(Runner.Request(delivery, Secrets));
                    LongestAnswer = Max(LongestAnswer, Stopwatch.GetElapsedTime(started));
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }

                    if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                    {
                        Assert.Fail($"{delivery.Provider} delivery {delivery.Id} refused with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The silo went away mid-request: the provider retries.
                }

                Retries++;
            }

            Assert.True(clock.Elapsed < GiveUpAfter, $"{delivery.Provider} delivery {delivery.Id} not accepted within {GiveUpAfter}");
            await Task.Delay(200);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
