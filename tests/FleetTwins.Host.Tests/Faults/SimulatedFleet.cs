using System.Diagnostics;
using System.Globalization;
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
/// retries, reordering and bursts in it; and the twins they must produce, computed from the deliveries themselves
/// (<see cref="ExpectedFleet"/>). A scenario sends the list through its faults, waits for the last acknowledgement
/// and for applies to stop, then compares every twin once — a lost delivery, a doubled one or an older reading over
/// a newer one shows as a difference (versions count applied deliveries; readings carry their own times).
/// </summary>
public sealed class SimulatedFleet
{
    public const int Vehicles = 8;

    /// <summary>How long a scenario may take to settle once everything was sent: the last acknowledgement, then quiet.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Between deliveries while a fault is under way (<see cref="FleetSender.PaceDuring"/>): the 270 or so still to send
    /// then last about 45 s, long enough for silos to start, stop and be voted out mid-stream.
    /// </summary>
    public static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(150);

    /// <summary>How long no twin may change before the comparison: a duplicate applied late would change a version.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    public SimulatedFleet()
    {
        Expected = ExpectedFleet.From(Deliveries);
        Assert.Equal(Vehicles * 3, Expected.Twins.Count); // a VIN, an IMEI and an INVERS twin per vehicle
    }

    /// <summary>
    /// 400 deliveries, then <see cref="LateReplays"/> of them; <c>FLEETTWINS_SOAK=N</c> makes it N times as many (a soak
    /// run, outside the suite's budget).
    /// </summary>
    public IReadOnlyList<Delivery> Deliveries { get; } = LateReplays([.. new Deliveries(new SimulatorOptions
    {
        Vehicles = Vehicles,
        Seed = 4242,
        Duplicates = 0.05,
        Reorder = 0.05,
        Bursts = 0.02,
    }).Take(400 * Soak)]);

    private static int Soak => int.TryParse(Environment.GetEnvironmentVariable("FLEETTWINS_SOAK"), out var n) && n > 1 ? n : 1;

    /// <summary>
    /// The deliveries, and at their end each twin's first reading sent again as a new delivery (a provider replaying
    /// old data under a new id): applied (one more version) but older than what the twin holds, so no reading may
    /// change — the simulator's own reordering is mostly undone by later readings, this is not.
    /// </summary>
    private static List<Delivery> LateReplays(List<Delivery> deliveries)
    {
        static bool HasReadings(Delivery d) => d.Target is "/telematica" or "/tracker" or "VehicleStateRecorded"
            || (d.Target == "/volteras/device.telemetry" && !Encoding.UTF8.GetString(d.Body).Contains("CHARGING_STATE", StringComparison.Ordinal));
        var late = deliveries.Where(HasReadings)
            .GroupBy(d => (Twin: d.Provider is "volteras" or "telematica" ? "vin" : d.Provider, d.VehicleKey))
            .Select(g => g.First())
            .Select(first =>
            {
                var body = JsonNode.Parse(first.Body)!;
                switch (first.Provider)
                {
                    case "tracker": // its delivery id is a hash of the content: another value makes it another delivery
                        body["Changes"] = body["Changes"]!.GetValue<int>() + 1000;
                        return first with { Id = $"msg_{Guid.NewGuid():N}", Body = Encoding.UTF8.GetBytes(body.ToJsonString()) };
                    case "invers": // its delivery id is metadata.id
                        var id = $"sim-late-{Guid.NewGuid():N}";
                        body["metadata"]!["id"] = id;
                        return first with { Id = id, Body = Encoding.UTF8.GetBytes(body.ToJsonString()) };
                    default:
                        return first with { Id = $"msg_{Guid.NewGuid():N}" };
                }
            });
        return [.. deliveries, .. late];
    }

    /// <summary>The twins the deliveries must leave, computed from what was sent.</summary>
    public ExpectedFleet Expected { get; }

    /// <summary>
    /// Six INVERS messages of three more vehicles, for a scenario that needs messages in flight (received, not yet
    /// acknowledged) at the moment it kills a silo; <see cref="ExpectedWithInFlight"/> is what they add.
    /// </summary>
    public IReadOnlyList<Delivery> InFlight { get; } = [.. new Deliveries(new SimulatorOptions
    {
        Vehicles = 3,
        Seed = 4343,
        Providers = [("invers", 1)],
        Duplicates = 0,
        Reorder = 0,
        Bursts = 0,
    }).Take(6)];

    public ExpectedFleet ExpectedWithInFlight => ExpectedFleet.From([.. Deliveries, .. InFlight]);

    /// <summary>
    /// Settings every scenario shares: the offline announcement waits for a dwell time on the server's clock (and
    /// counts as a change of the twin), so a run slowed down by its faults would announce vehicles offline that
    /// nobody sent; a day keeps it out.
    /// </summary>
    public static Dictionary<string, string> Settings(AmqpQueue queue, Dictionary<string, string> extra)
    {
        var settings = InversAmqpTests.Settings(queue, extra);
        settings["Notifications__OfflineDwell"] = "1.00:00:00";
        return settings;
    }

    /// <summary>
    /// Exactly once, checked once things are quiet: waits until the broker holds no message of <paramref name="queue"/>
    /// (the last acknowledgement), then until no twin's version has changed for <see cref="Quiet"/>, then compares every
    /// twin on <paramref name="host"/> with what was sent — once, so a late duplicate or a lost event fails it.
    /// </summary>
    public async Task AssertEveryTwinAsExpectedAsync(HostProcess host, AmqpQueue queue, TimeSpan within, ExpectedFleet? expected = null)
    {
        expected ??= Expected;
        var clock = Stopwatch.StartNew();
        await Eventually.ReturnsAsync(queue.UnacknowledgedAsync, n => n == 0, within, $"every message of {queue.Name} acknowledged");
        await Eventually.SettledAsync(() => expected.VersionsAsync(host), Quiet, within - clock.Elapsed, "the twins' versions");
        var differences = await expected.DifferencesAsync(host);
        Assert.True(differences.Count == 0,
            $"{differences.Count} differences from what was sent, once quiet:\n{string.Join('\n', differences.Take(12))}");
    }

    /// <summary>
    /// The notifications what was sent must raise (<see cref="ExpectedTwin.Notifications"/>), counted by twin and type;
    /// <paramref name="host"/> only tells which twin id each vehicle's identifier resolves to.
    /// </summary>
    public async Task<Dictionary<(string TwinId, string Type), int>> ExpectedNotificationsAsync(HostProcess host)
    {
        var expected = new Dictionary<(string TwinId, string Type), int>();
        foreach (var twin in Expected.Twins.Where(t => t.Notifications.Count > 0))
        {
            var id = JsonNode.Parse(await host.Http.GetStringAsync(twin.Resolve))!["id"]!.GetValue<string>();
            foreach (var (type, count) in twin.Notifications)
            {
                expected[(id, type)] = count;
            }
        }

        return expected;
    }

    /// <summary>The ids of every notification the expected twins hold on <paramref name="host"/>.</summary>
    public async Task<HashSet<string>> RaisedNotificationIdsAsync(HostProcess host)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var twin in Expected.Twins)
        {
            var id = JsonNode.Parse(await host.Http.GetStringAsync(twin.Resolve))!["id"]!.GetValue<string>();
            foreach (var notification in JsonNode.Parse(await host.Http.GetStringAsync($"/api/vehicles/{Uri.EscapeDataString(id)}/notifications"))!.AsArray())
            {
                ids.Add(notification!["id"]!.GetValue<string>());
            }
        }

        return ids;
    }

    /// <summary>A scenario's figures for docs/RELIABILITY.md: every twin matched, so every distinct delivery was applied once.</summary>
    public void Report(ITestOutputHelper output, FleetSender sender, string fault)
    {
        var distinct = Deliveries.Select(d => d.Id).Distinct().Count();
        output.WriteLine($"{fault}: sent {Deliveries.Count} deliveries ({Deliveries.Count(d => d.Provider == "invers")} over AMQP; {distinct} distinct, the rest provider retries), " +
            $"webhook attempts by answer {sender.AttemptOutcomes} ({sender.Retries} retried), longest answer {sender.LongestAnswer.TotalSeconds:F1} s; " +
            $"{Expected.Twins.Count} twins as sent, once quiet: {distinct} applied, 0 lost, 0 doubled");
    }

    public static async Task<IReadOnlyList<string>> ParkedAsync(AmqpQueue queue) =>
        await queue.ReadyAsync(queue.ParkingQueue) is var n && n == 0 ? [] : [$"{n} messages parked in {queue.ParkingQueue}"];
}

/// <summary>
/// Sends deliveries one after another as their providers do: INVERS messages to the AMQP queue (published with
/// retries), webhooks to one of the live silos in turn — and, like a provider's retry policy, again to the next
/// silo when the answer is a 503 or 429 or the connection fails. Any other refusal fails the test at once, the
/// delivery and the answer's body named: a 500 is a bug and a 507 storage refusing until an operator acts, neither
/// a moment's unavailability to retry away. <paramref name="pace"/> spaces the deliveries while a fault is under way
/// (<see cref="PaceDuring"/>), so that the stream outlasts it; before and after, each goes as soon as the last was answered.
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
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private readonly List<Answer> answers = [];
    private readonly List<Attempt> attempts = [];
    private int next;
    private int sent;
    private int pacedFrom = int.MaxValue;
    private Task paceUntil = Task.CompletedTask;

    /// <summary>A webhook delivery accepted: when its first attempt started and when it was accepted (on <see cref="Now"/>'s clock).</summary>
    public sealed record Answer(Delivery Delivery, bool Retry, TimeSpan Started, TimeSpan Accepted);

    /// <summary>One webhook attempt and how it ended: the status answered, or null when the connection failed or timed out.</summary>
    public sealed record Attempt(Delivery Delivery, HttpStatusCode? Status);

    /// <summary>The sender's clock, for scenarios that compare their faults' moments with <see cref="Answers"/>.</summary>
    public TimeSpan Now => clock.Elapsed;

    /// <summary>Every webhook delivery accepted, in order; <c>Retry</c> when its id had been sent before.</summary>
    public IReadOnlyList<Answer> Answers
    {
        get
        {
            lock (answers)
            {
                return [.. answers];
            }
        }
    }

    /// <summary>Every webhook attempt, in order.</summary>
    public IReadOnlyList<Attempt> Attempts
    {
        get
        {
            lock (attempts)
            {
                return [.. attempts];
            }
        }
    }

    /// <summary>How many webhook attempts ended which way, for a scenario's report: e.g. <c>200: 390, 503: 4, cut: 2</c>.</summary>
    public string AttemptOutcomes => string.Join(", ", Attempts
        .GroupBy(a => a.Status is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) : "cut")
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key}: {g.Count()}"));

    /// <summary>Deliveries sent so far (accepted with a 2xx, or published).</summary>
    public int Sent => Volatile.Read(ref sent);

    /// <summary>Attempts answered 503 or 429, or whose connection failed: each was retried.</summary>
    public int Retries => Attempts.Count(a => a.Status is not { } status || !IsSuccess(status));

    /// <summary>The longest a webhook waited for its answer.</summary>
    public TimeSpan LongestAnswer { get; private set; }

    /// <summary>
    /// Spaces the deliveries by the pace from the <paramref name="from"/>th sent (where the fault starts) until
    /// <paramref name="faults"/> have ended: the stream goes on through the fault at that pace, and at full speed once it has ended.
    /// </summary>
    public void PaceDuring(int from, Task faults) => (pacedFrom, paceUntil) = (from, faults);

    public async Task SendAsync(IEnumerable<Delivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            await SendAsync(delivery);
            if (Interlocked.Increment(ref sent) >= pacedFrom && !paceUntil.IsCompleted && pace > TimeSpan.Zero)
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

        var started = Now;
        var retry = !seen.Add(delivery.Id);
        while (true)
        {
            var live = silos().Where(s => !s.HasExited).ToList();
            if (live.Count > 0)
            {
                var host = live[next++ % live.Count];
                var attempt = Now;
                HttpStatusCode? status = null;
                string body;
                try
                {
                    using var response = await host.Http.SendAsync(Runner.Request(delivery, Secrets));
                    LongestAnswer = Max(LongestAnswer, Now - attempt);
                    status = response.StatusCode;
                    body = await response.Content.ReadAsStringAsync();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The silo went away mid-request: the provider retries.
                    body = e.Message;
                }

                lock (attempts)
                {
                    attempts.Add(new Attempt(delivery, status));
                }

                if (status is { } answered && IsSuccess(answered))
                {
                    lock (answers)
                    {
                        answers.Add(new Answer(delivery, retry, started, Now));
                    }

                    return;
                }

                if (status is { } refused && refused is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests))
                {
                    Assert.Fail($"{delivery.Provider} delivery {delivery.Id} refused with {(int)refused}: {body}");
                }
            }

            Assert.True(Now - started < GiveUpAfter, $"{delivery.Provider} delivery {delivery.Id} not accepted within {GiveUpAfter}");
            await Task.Delay(200);
        }
    }

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
