using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FleetTwins.Host.Tests.Amqp;
using FleetTwins.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// The embedded profile as a new user runs it (its default data file, here in a temp folder), killed with SIGKILL right
/// after the last 200 and the last AMQP acknowledgement, then started again on the same file: every acknowledged
/// delivery is in its twin once, a pending command still times out on schedule (its reminder), a notification the
/// receiver refused before the crash is delivered after it (the outbox's reminder), search finds the fleet, and every
/// delivery replayed is a duplicate.
/// </summary>
public sealed class EmbeddedRestartTests
{
    private const int Vehicles = 20;
    private const int DeliveriesEach = 5;
    private const int InversVehicles = 5;
    private const int InversEach = 4;
    private const string Secret = "whsec_b3V0Ym91bmQtdGVzdC1zZWNyZXQtZmxlZXR0d2lucw==";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task A_killed_embedded_host_restarted_on_its_file_keeps_everything_it_acknowledged()
    {
        var folder = HostProcess.NewDataFolder();
        try
        {
            await RunAsync(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task RunAsync(string folder)
    {
        // The notification receiver refuses everything until the crash, accepts after it.
        var accepting = false;
        var refused = 0;
        var received = new ConcurrentQueue<string>();
        await using var receiver = LoopbackReceiver.Create(out var url);
        receiver.MapPost("/hook", (HttpContext context) =>
        {
            if (!Volatile.Read(ref accepting))
            {
                Interlocked.Increment(ref refused);
                return Results.StatusCode(503);
            }

            received.Enqueue(context.Request.Headers["webhook-id"].ToString());
            return Results.Ok();
        });
        await receiver.StartAsync();

        await using var queue = await AmqpQueue.CreateAsync();
        var settings = InversAmqpTests.Settings(queue, WebhookSender.Settings());
        settings["FleetTwins__DataPath"] = Path.Combine(folder, "data", "fleettwins.db");
        settings["Notifications__Webhooks__0__Url"] = $"{url}/hook";
        settings["Notifications__Webhooks__0__Secret"] = Secret;
        settings["Notifications__Webhooks__0__Types__0"] = "sos";
        settings["Commands__Timeout"] = CommandTimeout.ToString();
        settings["Commands__CheckPeriod"] = "00:00:01";
        settings["Reminders__MinimumReminderPeriod"] = "00:00:01";

        var vins = Enumerable.Range(0, Vehicles).Select(_ => ApiKeys.NewVin()).ToList();
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        var sent = new List<(string Id, byte[] Body)>();
        for (var n = 0; n < DeliveriesEach; n++)
        {
            sent.AddRange(vins.Select(vin => ($"msg_{Guid.NewGuid():N}", ApiKeys.StateOfCharge(vin, 10 + n, start.AddMinutes(n)))));
        }

        var invers = Enumerable.Range(0, InversVehicles).Select(n => $"INV{Guid.NewGuid():N}"[..12]).ToList();
        var published = new List<(string Id, string Body)>();
        for (var n = 1; n <= InversEach; n++)
        {
            foreach (var vehicle in invers)
            {
                var id = $"01{Guid.NewGuid():N}";
                published.Add((id, InversAmqpTests.Event(id, vehicle, "VehicleStateRecorded", InversAmqpTests.State("mileage_in_kilometers", n))));
            }
        }

        var imei = "3506" + Random.Shared.NextInt64(10_000_000_000, 99_999_999_999).ToString();
        var sos = $$"""{"Event":"sos","Changes":0,"IMEI":"{{imei}}","Device_Time":"2024-06-28T17:52:13.000000+0000","Server_Time":"2024-06-28T18:49:45.000000+0000","Coordinates":"22.9,75.5"}""";

        DateTimeOffset commandCreated;
        var first = await HostProcess.StartAsync(settings);
        try
        {
            var sender = new WebhookSender(first.Http);
            // A notification the receiver refuses: it stays in the twin's outbox, its reminder registered.
            Assert.Equal(HttpStatusCode.OK, (await sender.TrackerAsync(Encoding.UTF8.GetBytes(sos))).StatusCode);

            // A command that will not hear back.
            (await first.Http.PutAsJsonAsync("/api/vehicles/car-restart", new { })).EnsureSuccessStatusCode();
            using var command = await first.Http.PostAsJsonAsync("/api/vehicles/car-restart/commands", new { command = "LOCK_DOORS" });
            command.EnsureSuccessStatusCode();
            commandCreated = JsonDocument.Parse(await command.Content.ReadAsStringAsync()).RootElement.GetProperty("createdAt").GetDateTimeOffset();

            foreach (var (id, body) in published)
            {
                await queue.PublishReliablyAsync(body, id);
            }

            await Eventually.ReturnsAsync(queue.UnacknowledgedAsync, n => n == 0, TimeSpan.FromSeconds(60), "every INVERS message acknowledged");
            foreach (var (id, body) in sent)
            {
                Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", body, id)).StatusCode);
            }

            // The feed writes the search projection about 100 ms after an answer (docs/SEARCH.md: a crash inside that
            // window leaves a row stale until its twin is next activated). The kill comes once the file holds every row.
            await Eventually.ReturnsAsync(() => SearchAsync(first), f => vins.All(v => f.GetValueOrDefault(v) == 10 + DeliveriesEach - 1),
                TimeSpan.FromSeconds(10), "search on the first host at the last readings");

            // The sos was offered and refused before the crash: what reaches the receiver later comes from the outbox.
            await Eventually.ReturnsAsync(() => Task.FromResult(Volatile.Read(ref refused)), n => n >= 1, TimeSpan.FromSeconds(30),
                "the receiver refused the sos notification");
        }
        finally
        {
            await first.KillAsync(); // no graceful shutdown, no deactivation snapshot: the twins' last changes are only in the journal
        }

        Volatile.Write(ref accepting, true);
        await using var restarted = await HostProcess.StartAsync(settings);

        // Search answers the fleet from the stored projection, before any twin is activated again.
        var found = await SearchAsync(restarted);
        Assert.True(vins.All(found.ContainsKey), $"search after the restart found {vins.Count(found.ContainsKey)} of {vins.Count} vehicles");

        foreach (var vin in vins)
        {
            using var twin = JsonDocument.Parse(await restarted.Http.GetStringAsync($"/api/vehicles/{vin}"));
            Assert.Equal(10 + DeliveriesEach - 1, twin.RootElement.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
            Assert.Equal(DeliveriesEach, twin.RootElement.GetProperty("version").GetInt64());
        }

        foreach (var vehicle in invers)
        {
            var twin = await InversAmqpTests.TwinAsync(restarted, vehicle);
            Assert.NotNull(twin);
            Assert.Equal(InversEach, twin.Value.GetProperty("odometer").GetProperty("value").GetDouble());
            Assert.Equal(InversEach, twin.Value.GetProperty("version").GetInt64());
        }

        // Once the twins are active again, search shows each at its last reading.
        await Eventually.ReturnsAsync(() => SearchAsync(restarted), f => vins.All(v => f.GetValueOrDefault(v) == 10 + DeliveriesEach - 1),
            TimeSpan.FromSeconds(10), "search at the last readings");

        // Replays: each a duplicate, nothing changes.
        var retry = new WebhookSender(restarted.Http);
        foreach (var (id, body) in sent)
        {
            using var answer = await retry.VolterasAsync("device.telemetry", body, id);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("Duplicate", await answer.Content.ReadAsStringAsync());
        }

        foreach (var (id, body) in published)
        {
            await queue.PublishReliablyAsync(body, id);
        }

        await InversAmqpTests.AssertEachAppliedOnceAsync(restarted, queue, invers, InversEach, "odometer", InversEach, TimeSpan.FromSeconds(60));
        foreach (var vin in vins)
        {
            using var twin = JsonDocument.Parse(await restarted.Http.GetStringAsync($"/api/vehicles/{vin}"));
            Assert.Equal(DeliveriesEach, twin.RootElement.GetProperty("version").GetInt64());
        }

        // The command times out through its stored reminder, not before its time.
        var status = await Eventually.ReturnsAsync(
            async () => JsonDocument.Parse(await restarted.Http.GetStringAsync("/api/vehicles/car-restart/commands")).RootElement[0].Clone(),
            c => c.GetProperty("status").GetString() == "TIMED_OUT", CommandTimeout + TimeSpan.FromSeconds(30), "the command timed out");
        var timedOutAt = status.GetProperty("updatedAt").GetDateTimeOffset();
        Assert.True(timedOutAt >= commandCreated + CommandTimeout, $"timed out at {timedOutAt:O}, created {commandCreated:O}");

        // The refused notification reaches the receiver through the outbox's reminder (nothing asked for its twin).
        await Eventually.ReturnsAsync(() => Task.FromResult(received.Count), n => n >= 1, TimeSpan.FromSeconds(100), "the sos notification delivered");
        Assert.Single(received.Distinct());
    }

    /// <summary>Every vehicle search finds, with its state of charge (-1 when it has none).</summary>
    private static async Task<Dictionary<string, double>> SearchAsync(HostProcess host)
    {
        using var page = JsonDocument.Parse(await host.Http.GetStringAsync("/api/vehicles?limit=500"));
        return page.RootElement.GetProperty("items").EnumerateArray().ToDictionary(
            v => v.GetProperty("vin").GetString() ?? v.GetProperty("id").GetString()!,
            v => v.TryGetProperty("soc", out var soc) && soc.ValueKind == JsonValueKind.Number ? soc.GetDouble() : -1);
    }
}
