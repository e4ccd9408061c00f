using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Signatures;
using FleetTwins.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// A silo killed after the deliveries that raised notifications were acknowledged and while their publication was
/// under way (the receiver holds every request open): after a restart each notification reaches the receiver, and the
/// receiver accepts each id once. The oracle is the receiver's own count, not the product's notification store. Both for
/// a tracker's own events (sos) and for the alerts an operator's rule raises (alert-raised, and one alert each in the inbox).
/// </summary>
public sealed class NotificationCrashTests(ITestOutputHelper output)
{
    private const string Secret = "whsec_Y3Jhc2gtdGVzdC1ub3RpZmljYXRpb24tc2VjcmV0LTAx";

    [Fact]
    public async Task A_silo_killed_while_publishing_notifications_delivers_each_once_after_the_restart()
    {
        const int devices = 8;
        await using var receiver = await HoldingReceiver.StartAsync();
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = HostProcess.InPlace(database.ClusterSettings(migrate: true)); // restarted at its address
        settings["Notifications__Webhooks__0__Url"] = receiver.Url;
        settings["Notifications__Webhooks__0__Secret"] = Secret;
        settings["Notifications__Webhooks__0__Types__0"] = "sos";
        var imeis = Enumerable.Range(0, devices).Select(i => $"35061207{Random.Shared.Next(1_000_000, 9_999_999)}").Distinct().ToList();

        var first = await HostProcess.StartAsync(settings, TimeSpan.FromMinutes(2));
        await using (first)
        {
            var sender = new WebhookSender(first.Http);
            foreach (var imei in imeis)
            {
                (await sender.TrackerAsync(Sos(imei))).EnsureSuccessStatusCode();
            }

            // Every delivery acknowledged, every notification on its way and held by the receiver: now the kill.
            await Eventually.ReturnsAsync(() => Task.FromResult(receiver.HeldIds.Count), n => n == imeis.Count, TimeSpan.FromSeconds(30),
                "every sos notification under way to the receiver");
            await first.KillAsync();
        }

        var held = receiver.HeldIds.ToHashSet();
        receiver.Accept();
        await using var second = await HostProcess.StartAsync(settings, TimeSpan.FromMinutes(2));

        // A notification whose publication died with the silo goes out when its twin is next active: a query is enough.
        foreach (var imei in imeis)
        {
            (await second.Http.GetAsync($"/api/vehicles/resolve?imei={imei}")).EnsureSuccessStatusCode();
        }

        await Eventually.ReturnsAsync(() => Task.FromResult(receiver.Accepted.Count), n => n >= imeis.Count, TimeSpan.FromSeconds(60),
            "every notification delivered after the restart");

        // "Once" is counted when nothing is left to send: the twins' outboxes are empty, so no copy can still come.
        await Eventually.ReturnsAsync(async () => Scrape.Sum(await Scrape.MetricsAsync(second), "fleettwins_outbox_depth"), depth => depth == 0,
            TimeSpan.FromSeconds(60), "the restarted silo's outboxes empty");
        Assert.Equal(held, receiver.Accepted.Keys.ToHashSet());
        Assert.All(receiver.Accepted, a => Assert.Equal(1, a.Value.Count));
        Assert.Equal(imeis.Select(i => $"imei:{i}").Order(), receiver.Accepted.Values.Select(a => a.TwinId).Order());
        output.WriteLine($"silo SIGKILLed with {held.Count} sos notifications being published (the receiver holding each request); " +
            $"after the restart each reached the receiver and was accepted once ({receiver.Accepted.Count} ids, {receiver.Requests} requests in all)");
    }

    [Fact]
    public async Task A_silo_killed_while_publishing_rule_alerts_delivers_each_alert_raised_once_and_keeps_one_alert_each()
    {
        const int vehicles = 6;
        await using var receiver = await HoldingReceiver.StartAsync();
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = HostProcess.InPlace(database.ClusterSettings(migrate: true));
        foreach (var (key, value) in WebhookSender.Settings())
        {
            settings[key] = value;
        }

        settings["Notifications__Webhooks__0__Url"] = receiver.Url;
        settings["Notifications__Webhooks__0__Secret"] = Secret;
        settings["Notifications__Webhooks__0__Types__0"] = "alert-raised";
        var vins = Enumerable.Range(0, vehicles).Select(_ => ApiKeys.NewVin()).ToList();
        const string rule = "crash-low-battery";

        var first = await HostProcess.StartAsync(settings, TimeSpan.FromMinutes(2));
        await using (first)
        {
            (await first.Http.PostAsJsonAsync("/api/rules", new { id = rule, name = "Low battery", when = "soc < 20", @for = "0s", severity = "major" }))
                .EnsureSuccessStatusCode();
            var sender = new WebhookSender(first.Http);
            foreach (var vin in vins)
            {
                (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 12, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();
            }

            // Every delivery acknowledged, every alert-raised on its way and held by the receiver: now the kill.
            await Eventually.ReturnsAsync(() => Task.FromResult(receiver.HeldIds.Count), n => n == vins.Count, TimeSpan.FromSeconds(30),
                "every alert-raised notification under way to the receiver");
            await first.KillAsync();
        }

        var held = receiver.HeldIds.ToHashSet();
        receiver.Accept();
        await using var second = await HostProcess.StartAsync(settings, TimeSpan.FromMinutes(2));
        foreach (var vin in vins)
        {
            (await second.Http.GetAsync($"/api/vehicles/{vin}")).EnsureSuccessStatusCode();
        }

        await Eventually.ReturnsAsync(() => Task.FromResult(receiver.Accepted.Count), n => n >= vins.Count, TimeSpan.FromSeconds(60),
            "every alert-raised delivered after the restart");
        await Eventually.ReturnsAsync(async () => Scrape.Sum(await Scrape.MetricsAsync(second), "fleettwins_outbox_depth"), depth => depth == 0,
            TimeSpan.FromSeconds(60), "the restarted silo's outboxes empty");
        Assert.Equal(held, receiver.Accepted.Keys.ToHashSet());
        Assert.All(receiver.Accepted, a => Assert.Equal(1, a.Value.Count));
        Assert.Equal(vins.Count, receiver.Accepted.Values.Select(a => a.TwinId).Distinct().Count());

        // The inbox holds one alert per vehicle, raised once (count 1): neither the kill nor the resend made a second.
        // The inbox is written through the outbox too; it is read until it holds as many alerts as vehicles (or more).
        var alerts = await Eventually.ReturnsAsync(
            async () => (await second.Http.GetFromJsonAsync<JsonElement>($"/api/alerts?filter={Uri.EscapeDataString($"rule = {rule}")}&limit=100"))
                .GetProperty("items").EnumerateArray().ToList(),
            items => items.Count >= vins.Count, TimeSpan.FromSeconds(30), "the inbox holding every vehicle's alert");
        Assert.Equal(vins.Count, alerts.Count);
        Assert.All(alerts, a => Assert.Equal((1, "active"), (a.GetProperty("count").GetInt32(), a.GetProperty("status").GetString())));
        output.WriteLine($"silo SIGKILLed with {held.Count} alert-raised notifications being published; after the restart each reached " +
            $"the receiver once ({receiver.Requests} requests in all) and the inbox holds {alerts.Count} alerts, each raised once");
    }

    private static byte[] Sos(string imei) => Encoding.UTF8.GetBytes(
        $$"""{"Event":"sos","Changes":0,"IMEI":"{{imei}}","Device_Time":"2024-06-28T17:52:13.000000+0000","Server_Time":"2024-06-28T18:49:45.000000+0000","Coordinates":"22.9,75.5"}""");

    /// <summary>
    /// A notification receiver that verifies signatures and, until <see cref="Accept"/>, holds every request open without
    /// answering; afterwards it answers 200 and counts, per notification id, the requests it accepted.
    /// </summary>
    private sealed class HoldingReceiver : IAsyncDisposable
    {
        private readonly TaskCompletionSource never = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<string, bool> held = new();
        private readonly ConcurrentDictionary<string, Acceptance> accepted = new();
        private WebApplication app = null!;
        private volatile bool accepting;
        private int requests;

        public sealed record Acceptance(string TwinId, int Count);

        public string Url { get; private set; } = "";

        public IReadOnlyCollection<string> HeldIds => [.. held.Keys];

        public IReadOnlyDictionary<string, Acceptance> Accepted => accepted;

        public int Requests => Volatile.Read(ref requests);

        public void Accept() => accepting = true;

        public static async Task<HoldingReceiver> StartAsync()
        {
            var receiver = new HoldingReceiver();
            receiver.app = LoopbackReceiver.Create(out var url);
            var verifier = new SvixVerifier([Secret]);
            receiver.app.MapPost("/hook", async (HttpContext context) =>
            {
                Interlocked.Increment(ref receiver.requests);
                var (check, body) = await LoopbackReceiver.ReadSignedAsync(context, verifier);
                if (!check.IsValid)
                {
                    return Results.StatusCode(401);
                }

                var id = check.MessageId!;
                if (!receiver.accepting)
                {
                    receiver.held[id] = true;
                    await receiver.never.Task.WaitAsync(context.RequestAborted); // the sender dies waiting
                    return Results.StatusCode(503);
                }

                var twinId = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("twinId").GetString()!;
                receiver.accepted.AddOrUpdate(id, new Acceptance(twinId, 1), (_, a) => a with { Count = a.Count + 1 });
                return Results.Ok();
            });
            await receiver.app.StartAsync();
            receiver.Url = $"{url}/hook";
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            never.TrySetResult();
            await app.DisposeAsync();
        }
    }
}
