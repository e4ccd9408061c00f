using System.Net;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// The silo killed (SIGKILL) between journal commits and the next snapshot: every acknowledged delivery is in its
/// twin after the restart (replayed from the journal), none twice, and a provider's retry of any of them is a
/// duplicate. Snapshots are pushed out of reach (a day, 100,000 changes), so the journal alone holds the deliveries.
/// </summary>
[Collection(Amqp.AmqpCollection.Name)]
public sealed class JournalCrashTests
{
    private const int Vehicles = 30;
    private const int DeliveriesEach = 6;

    [Fact]
    public async Task A_silo_killed_before_its_next_snapshot_comes_back_with_every_acknowledged_delivery_once()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = database.ClusterSettings(migrate: true);
        settings["FleetTwins__Journal__SnapshotEvery"] = "100000";
        settings["FleetTwins__Journal__SnapshotInterval"] = "1.00:00:00";
        var vins = Enumerable.Range(0, Vehicles).Select(_ => ApiKeys.NewVin()).ToList();
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        var sent = new List<(string Vin, string Id, byte[] Body)>();
        for (var n = 0; n < DeliveriesEach; n++)
        {
            sent.AddRange(vins.Select(vin => (vin, $"msg_{Guid.NewGuid():N}", ApiKeys.StateOfCharge(vin, 10 + n, start.AddMinutes(n)))));
        }

        var before = new Dictionary<string, string>();
        var silo = await HostProcess.StartAsync(settings);
        try
        {
            var sender = new WebhookSender(silo.Http);
            foreach (var (_, id, body) in sent)
            {
                Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", body, id)).StatusCode);
            }

            foreach (var vin in vins)
            {
                before[vin] = await silo.Http.GetStringAsync($"/api/vehicles/{vin}");
            }
        }
        finally
        {
            await silo.KillAsync();
        }

        // Each twin's first delivery (its identity) was a snapshot; the rest only journal records.
        Assert.Equal(Vehicles * DeliveriesEach, await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_journal WHERE delivery_id IS NOT NULL"));

        await using var restarted = await HostProcess.StartAsync(settings);
        foreach (var vin in vins)
        {
            var twin = await restarted.Http.GetStringAsync($"/api/vehicles/{vin}");
            Assert.Equal(before[vin], twin);
            using var json = JsonDocument.Parse(twin);
            Assert.Equal(10 + DeliveriesEach - 1, json.RootElement.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
        }

        var retry = new WebhookSender(restarted.Http);
        foreach (var (_, id, body) in sent)
        {
            var answer = await retry.VolterasAsync("device.telemetry", body, id);
            Assert.Contains("Duplicate", await answer.Content.ReadAsStringAsync());
        }

        foreach (var vin in vins)
        {
            Assert.Equal(before[vin], await restarted.Http.GetStringAsync($"/api/vehicles/{vin}"));
        }
    }
}
