using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// The silo killed (SIGKILL) in the middle of a load, between journal commits and the next snapshot: every delivery
/// it acknowledged is in its twin after the restart (replayed from the journal), none twice, and the ones it never
/// answered are there at most once after the provider retried them. Snapshots are pushed out of reach (a day,
/// 100,000 changes), so the journal alone holds the deliveries. The oracle is the sender's own record of what was
/// acknowledged.
/// </summary>
public sealed class JournalCrashTests(ITestOutputHelper output)
{
    private const string JournalPrefix = "volteras:";
    private const int Vehicles = 30;
    private const int DeliveriesEach = 6;

    /// <summary>Deliveries in flight at once, as a provider's parallel webhook workers send them.</summary>
    private const int Senders = 6;

    /// <summary>Acknowledged deliveries before the kill: a third of the load.</summary>
    private const int KillAfter = Vehicles * DeliveriesEach / 3;

    [Fact]
    public async Task A_silo_killed_mid_load_before_its_next_snapshot_comes_back_with_every_acknowledged_delivery_once()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = HostProcess.InPlace(database.ClusterSettings(migrate: true)); // restarted at its address
        settings["FleetTwins__Journal__SnapshotEvery"] = "100000";
        settings["FleetTwins__Journal__SnapshotInterval"] = "1.00:00:00";
        var vins = Enumerable.Range(0, Vehicles).Select(_ => ApiKeys.NewVin()).ToList();
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        var sent = new List<Sent>();
        for (var n = 0; n < DeliveriesEach; n++)
        {
            sent.AddRange(vins.Select(vin => new Sent(vin, n, $"msg_{Guid.NewGuid():N}", ApiKeys.StateOfCharge(vin, 10 + n, start.AddMinutes(n)))));
        }

        // The load: parallel senders each take the next delivery until none is left. The one whose answer makes a third
        // acknowledged kills the silo at once, while the others' deliveries are on the wire; what failed or was never
        // answered stays unacknowledged.
        await using var silo = await HostProcess.StartAsync(settings);
        var acknowledged = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        int next = -1, inFlight = 0, acknowledgements = 0, inFlightAtKill = -1;
        var load = Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            var sender = new WebhookSender(silo.Http);
            for (var i = Interlocked.Increment(ref next); i < sent.Count; i = Interlocked.Increment(ref next))
            {
                Interlocked.Increment(ref inFlight);
                var ok = false;
                try
                {
                    using var answer = await sender.VolterasAsync("device.telemetry", sent[i].Body, sent[i].Id);
                    ok = answer.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The silo died under the request: unacknowledged.
                }

                Interlocked.Decrement(ref inFlight);
                if (ok && acknowledged.TryAdd(sent[i].Id, true) && Interlocked.Increment(ref acknowledgements) == KillAfter)
                {
                    Volatile.Write(ref inFlightAtKill, Volatile.Read(ref inFlight));
                    await silo.KillAsync();
                }
            }
        })).ToList();

        await Task.WhenAll(load);
        Assert.True(silo.HasExited, $"the load ended before {KillAfter} deliveries were acknowledged ({acknowledged.Count})");
        var unacknowledged = sent.Where(s => !acknowledged.ContainsKey(s.Id)).ToList();
        Assert.True(inFlightAtKill > 0 && unacknowledged.Count > 0,
            $"the kill did not land during the load ({inFlightAtKill} in flight, {unacknowledged.Count} unacknowledged)");

        // Straight after the restart, before any retry: each acknowledged delivery journaled exactly once, an
        // unacknowledged one at most once; each twin holds at least its newest acknowledged reading.
        await using var restarted = await HostProcess.StartAsync(settings);
        var journaled = await JournaledAsync(database);
        Assert.All(sent.Where(s => acknowledged.ContainsKey(s.Id)), s => Assert.Equal(1, journaled.GetValueOrDefault(s.Id)));
        Assert.All(unacknowledged, s => Assert.InRange(journaled.GetValueOrDefault(s.Id), 0, 1));
        foreach (var vin in vins)
        {
            var acknowledgedSoc = sent.Where(s => s.Vin == vin && acknowledged.ContainsKey(s.Id)).Select(s => 10 + s.N).ToList();
            if (acknowledgedSoc.Count == 0)
            {
                continue;
            }

            var newest = acknowledgedSoc.Max();
            using var twin = JsonDocument.Parse(await restarted.Http.GetStringAsync($"/api/vehicles/{vin}"));
            var soc = twin.RootElement.GetProperty("stateOfCharge").GetProperty("value").GetDouble();
            Assert.True(soc >= newest, $"{vin}: state of charge {soc} after the restart, but {newest} was acknowledged");
        }

        output.WriteLine($"killed once {KillAfter} of {sent.Count} deliveries were acknowledged, {inFlightAtKill} in flight: {acknowledged.Count} " +
            $"acknowledged in all, {unacknowledged.Count} not, {unacknowledged.Count(s => journaled.ContainsKey(s.Id))} of those journaled before the kill (each once)");

        // The provider retries what was not acknowledged: then every delivery is in once, and each twin has all six.
        var retry = new WebhookSender(restarted.Http);
        foreach (var s in unacknowledged)
        {
            Assert.Equal(HttpStatusCode.OK, (await retry.VolterasAsync("device.telemetry", s.Body, s.Id)).StatusCode);
        }

        journaled = await JournaledAsync(database);
        Assert.All(sent, s => Assert.Equal(1, journaled.GetValueOrDefault(s.Id)));
        var after = new Dictionary<string, string>();
        foreach (var vin in vins)
        {
            after[vin] = await restarted.Http.GetStringAsync($"/api/vehicles/{vin}");
            using var json = JsonDocument.Parse(after[vin]);
            Assert.Equal(10 + DeliveriesEach - 1, json.RootElement.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
            Assert.Equal(DeliveriesEach, json.RootElement.GetProperty("version").GetInt64());
        }

        // Any further retry is a duplicate and changes nothing.
        foreach (var s in sent)
        {
            var answer = await retry.VolterasAsync("device.telemetry", s.Body, s.Id);
            Assert.Contains("Duplicate", await answer.Content.ReadAsStringAsync());
        }

        foreach (var vin in vins)
        {
            Assert.Equal(after[vin], await restarted.Http.GetStringAsync($"/api/vehicles/{vin}"));
        }
    }

    /// <summary>How many journal records each delivery has, by the id it was sent with (the journal's is <c>volteras:</c> and that id).</summary>
    private static async Task<Dictionary<string, int>> JournaledAsync(PostgresDatabase database)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var command = database.DataSource.CreateCommand(
            "SELECT delivery_id, count(*)::int FROM fleettwins_journal WHERE delivery_id IS NOT NULL GROUP BY delivery_id");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetString(0);
            counts[id.StartsWith(JournalPrefix, StringComparison.Ordinal) ? id[JournalPrefix.Length..] : id] = reader.GetInt32(1);
        }

        return counts;
    }

    private sealed record Sent(string Vin, int N, string Id, byte[] Body);
}
