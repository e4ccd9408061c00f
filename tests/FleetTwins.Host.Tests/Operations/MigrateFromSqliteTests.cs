using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Operations;

/// <summary><c>migrate --from-sqlite FILE</c>: a user who outgrows the embedded profile keeps their twins in the cluster.</summary>
public sealed class MigrateFromSqliteTests
{
    [Fact]
    public async Task An_embedded_data_file_copied_into_postgres_serves_the_same_twins_in_the_cluster_profile()
    {
        var folder = HostProcess.NewDataFolder();
        try
        {
            var file = Path.Combine(folder, "fleettwins.db");
            var vins = Enumerable.Range(0, 3).Select(_ => ApiKeys.NewVin()).ToList();
            var sent = new List<(string Id, byte[] Body)>();
            var embedded = WebhookSender.Settings();
            embedded["FleetTwins__DataPath"] = file;
            var before = new Dictionary<string, JsonElement>();
            await using (var host = await HostProcess.StartAsync(embedded))
            {
                var sender = new WebhookSender(host.Http);
                for (var n = 0; n < 3; n++)
                {
                    foreach (var vin in vins)
                    {
                        var id = $"msg_{Guid.NewGuid():N}";
                        var body = ApiKeys.StateOfCharge(vin, 40 + n, DateTimeOffset.UtcNow.AddMinutes(n - 10));
                        sent.Add((id, body));
                        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", body, id)).StatusCode);
                    }
                }

                (await host.Http.PutAsJsonAsync("/api/vehicles/car-migrated", new { })).EnsureSuccessStatusCode();
                (await host.Http.PostAsJsonAsync("/api/vehicles/car-migrated/commands", new { command = "LOCK_DOORS" })).EnsureSuccessStatusCode();
                foreach (var vin in vins)
                {
                    before[vin] = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/vehicles/{vin}")).RootElement.Clone();
                }

                await host.StopAsync();
            }

            await using var database = await PostgresDatabase.CreateAsync();
            var settings = database.ClusterSettings(migrate: false);
            var (exitCode, output) = await HostProcess.RunAsync(settings, "migrate", "--from-sqlite", file);
            Assert.True(exitCode == 0, output);
            Assert.Contains("journal records copied", output);
            Assert.True(await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_snapshot_archive") >= vins.Count, "archived snapshots copied");
            var journal = await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_journal");
            Assert.True(journal >= vins.Count * 3, $"{journal} journal records");
            Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM orleansreminderstable WHERE remindername = 'timeouts'"));

            // A second run copies nothing twice.
            var (again, _) = await HostProcess.RunAsync(settings, "migrate", "--from-sqlite", file);
            Assert.Equal(0, again);
            Assert.Equal(journal, await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_journal"));

            await using var cluster = await HostProcess.StartAsync(settings);
            using var page = JsonDocument.Parse(await cluster.Http.GetStringAsync("/api/vehicles?limit=100"));
            var found = page.RootElement.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("vin").GetString()).ToHashSet();
            Assert.True(vins.All(found.Contains), $"cluster search found {string.Join(',', found)}");
            foreach (var vin in vins)
            {
                using var twin = JsonDocument.Parse(await cluster.Http.GetStringAsync($"/api/vehicles/{vin}"));
                Assert.Equal(42, twin.RootElement.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
                Assert.Equal(before[vin].GetProperty("version").GetInt64(), twin.RootElement.GetProperty("version").GetInt64());
            }

            var commands = JsonDocument.Parse(await cluster.Http.GetStringAsync("/api/vehicles/car-migrated/commands")).RootElement;
            Assert.Equal("LOCK_DOORS", commands[0].GetProperty("command").GetString());
            var retry = new WebhookSender(cluster.Http);
            var (lastId, lastBody) = sent[^1];
            Assert.Contains("Duplicate", await (await retry.VolterasAsync("device.telemetry", lastBody, lastId)).Content.ReadAsStringAsync());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
