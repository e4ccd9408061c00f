using System.Net.Http.Json;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Api;

/// <summary>Fleet search and the fleet watch in the cluster profile: two silos, the projection in real PostgreSQL.</summary>
public sealed class ClusterQueryTests
{
    private static Dictionary<string, string> Settings(PostgresDatabase database, bool migrate)
    {
        return ApiKeys.AddTo(database.ClusterSettings(migrate));
    }

    [Fact]
    public async Task Changes_ingested_on_one_silo_are_searched_and_watched_on_the_other()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var first = await HostProcess.StartAsync(Settings(database, migrate: true));
        await using var second = await HostProcess.StartAsync(Settings(database, migrate: false));
        var reader = ApiKeys.Client(second, ApiKeys.ReadOnly);
        reader.Timeout = TimeSpan.FromSeconds(60);

        var vin = ApiKeys.NewVin();
        using var watch = await reader.GetAsync($"/api/fleet/watch?filter={Uri.EscapeDataString($"vin = {vin}")}", HttpCompletionOption.ResponseHeadersRead);
        var events = new ServerSentEvents(await watch.Content.ReadAsStreamAsync());
        Assert.Equal("ready", (await events.NextAsync(TimeSpan.FromSeconds(10))).Name);

        var sender = new WebhookSender(ApiKeys.Client(first, null));
        var at = DateTimeOffset.UtcNow;
        (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 14.5, at))).EnsureSuccessStatusCode();
        (await sender.VolterasAsync("device.telemetry", ApiKeys.ChargingState(vin, "CHARGING", at.AddSeconds(1)))).EnsureSuccessStatusCode();

        var page = await Eventually.ReturnsAsync(
            () => reader.GetFromJsonAsync<JsonElement>($"/api/vehicles?filter={Uri.EscapeDataString("charging = CHARGING and soc < 20")}"),
            p => p.GetProperty("items").GetArrayLength() == 1, TimeSpan.FromSeconds(5), "the other silo's search sees the change");
        Assert.Equal(vin, page.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(1, await database.ScalarAsync<long>($"SELECT count(*) FROM fleettwins_vehicles WHERE vin = '{vin}' AND charging = 'CHARGING'"));

        var seen = await events.ReadUntilAsync(e => e.Name == "notification" && e.Data.GetProperty("type").GetString() == "charging-started", TimeSpan.FromSeconds(10));
        Assert.Equal([14.5, 14.5], seen.Where(e => e.Name == "vehicle").Select(e => e.Data.GetProperty("soc").GetDouble()));

        var aggregates = await reader.GetFromJsonAsync<JsonElement>("/api/fleet/aggregates");
        Assert.Equal(1, aggregates.GetProperty("count").GetInt64());
        Assert.Equal(1, aggregates.GetProperty("online").GetInt64());
    }
}
