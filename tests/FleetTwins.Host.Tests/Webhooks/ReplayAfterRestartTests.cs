using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Webhooks;

/// <summary>
/// Captured signed deliveries replayed inside their timestamp tolerance, after more newer deliveries to the same twin
/// than a twin's last-deliveries log holds and a restart of every host (the silos' in-memory ids gone): each is
/// answered as a duplicate, and neither the twin's version nor its history changes. Embedded and cluster profile.
/// </summary>
public sealed class ReplayAfterRestartTests
{
    private const int Captured = 6;
    private const int Newer = 300;

    [Fact]
    public async Task Embedded_host_restarted_on_its_file_answers_replays_as_duplicates_after_300_newer_deliveries()
    {
        var folder = HostProcess.NewDataFolder();
        try
        {
            var settings = WebhookSender.Settings();
            settings["FleetTwins__DataPath"] = Path.Combine(folder, "fleettwins.db");
            await AssertReplaysAreDuplicatesAsync(() => HostProcess.StartAsync(settings));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Cluster_silo_restarted_on_its_database_answers_replays_as_duplicates_after_300_newer_deliveries()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = HostProcess.InPlace(database.ClusterSettings(migrate: true)); // restarted at its address
        await AssertReplaysAreDuplicatesAsync(() => HostProcess.StartAsync(settings));
    }

    private static async Task AssertReplaysAreDuplicatesAsync(Func<Task<HostProcess>> start)
    {
        var vin = ApiKeys.NewVin();
        var readingsFrom = DateTimeOffset.UtcNow.AddHours(-2);
        var signedAt = DateTimeOffset.UtcNow;
        var captured = Enumerable.Range(0, Captured)
            .Select(i => (Id: $"msg_captured_{vin}_{i}", Body: ApiKeys.StateOfCharge(vin, 20 + i, readingsFrom.AddSeconds(i))))
            .ToList();

        long version;
        int readings;
        await using (var first = await start())
        {
            var sender = new WebhookSender(first.Http);
            foreach (var (id, body) in captured)
            {
                await AssertAnsweredAsync(await SendAsync(sender, id, body, signedAt), "Event applied");
            }

            for (var i = 0; i < Newer; i++)
            {
                var body = ApiKeys.StateOfCharge(vin, 50 + (i % 40), readingsFrom.AddMinutes(1).AddSeconds(i));
                await AssertAnsweredAsync(await sender.VolterasAsync("device.telemetry", body), "Event applied");
            }

            (version, readings) = await TwinAsync(first, vin, readingsFrom);
            Assert.Equal(Captured + Newer, version);
            Assert.Equal(Captured + Newer, readings);
            await first.KillAsync(); // no graceful shutdown: the twin comes back from what its store holds
        }

        await using var restarted = await start();
        var replayer = new WebhookSender(restarted.Http);
        foreach (var (id, body) in captured)
        {
            await AssertAnsweredAsync(await SendAsync(replayer, id, body, signedAt), "Duplicate");
        }

        Assert.Equal((version, readings), await TwinAsync(restarted, vin, readingsFrom));
    }

    /// <summary>The captured delivery exactly as first sent: same id, same signed timestamp, same body.</summary>
    private static Task<HttpResponseMessage> SendAsync(WebhookSender sender, string id, byte[] body, DateTimeOffset signedAt) =>
        sender.SignedAsync("/webhooks/volteras/device.telemetry", WebhookSender.VolterasSecret, body, id, signedAt);

    private static async Task AssertAnsweredAsync(HttpResponseMessage response, string mentioned)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
            Assert.Contains(mentioned, body);
        }
    }

    /// <summary>The twin's version, and how many state-of-charge readings its history holds (each delivery id once).</summary>
    private static async Task<(long Version, int Readings)> TwinAsync(HostProcess host, string vin, DateTimeOffset readingsFrom)
    {
        using var twin = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/vehicles/{vin}"));
        var from = Uri.EscapeDataString(readingsFrom.AddMinutes(-1).ToString("O"));
        var to = Uri.EscapeDataString(readingsFrom.AddHours(1).ToString("O"));
        var history = await host.Http.GetFromJsonAsync<JsonElement>(
            $"/api/vehicles/{vin}/history?reading=stateOfCharge&from={from}&to={to}&limit=1000");
        var deliveries = history.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("deliveryId").GetString()).ToList();
        Assert.Equal(deliveries.Count, deliveries.Distinct().Count());
        return (twin.RootElement.GetProperty("version").GetInt64(), deliveries.Count);
    }
}
