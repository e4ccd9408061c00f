using System.Net;
using System.Text.Json;
using FleetTwins.Host.Tests.Faults;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Simulator;
using SimulatorOptions = FleetTwins.Simulator.Options;

namespace FleetTwins.Host.Tests.Operations;

/// <summary>
/// A fleet registry as an operator imports it (the simulator's, through <c>fleettwins import</c>), then every provider
/// reporting about the same vehicles: one twin per physical vehicle, whichever provider names it how.
/// </summary>
public sealed class FleetRegistryTests
{
    private const int Vehicles = 200;

    [Fact]
    public async Task After_importing_the_registry_a_fleet_of_200_is_200_twins_with_every_provider_sending()
    {
        await using var queue = await AmqpQueue.CreateAsync();
        await using var host = await HostProcess.StartAsync(SimulatedFleet.Settings(queue, WebhookSender.Settings()));
        var options = new SimulatorOptions { Vehicles = Vehicles, Seed = 77, Duplicates = 0.02, Reorder = 0.05 };
        var registry = Path.Combine(Path.GetTempPath(), $"registry-{Guid.NewGuid():N}.csv");
        await using (var file = File.CreateText(registry))
        {
            new Simulator.Fleet(Vehicles, options.Seed, DateTimeOffset.UtcNow).WriteRegistry(file);
        }

        var (exitCode, output, error) = await CliTests.RunAsync(host, "import", registry);
        Assert.True(exitCode == 0, $"{output}\n{error}");
        Assert.Contains($"{Vehicles} created, 0 linked, 0 merged, 0 unchanged, 0 conflict, 0 invalid", output);

        var deliveries = new Deliveries(options).Take(1500).ToList();
        Assert.Equal(["invers", "telematica", "tracker", "volteras"], deliveries.Select(d => d.Provider).Distinct().Order());
        await new FleetSender(queue, () => [host]).SendAsync(deliveries);
        await Eventually.ReturnsAsync(() => queue.ReadyAsync(queue.Name), ready => ready == 0, TimeSpan.FromSeconds(60), "the INVERS queue drained");

        // Every provider's deliveries reached the registered twins: no twin of their own appears.
        var aggregates = await Eventually.ReturnsAsync(async () => JsonDocument.Parse(await host.Http.GetStringAsync("/api/fleet/aggregates")).RootElement.Clone(),
            a => a.GetProperty("count").GetInt64() != Vehicles || a.GetProperty("averageSoc").ValueKind == JsonValueKind.Number,
            TimeSpan.FromSeconds(30), "the projection caught up");
        Assert.Equal(Vehicles, aggregates.GetProperty("count").GetInt64());
        var page = JsonDocument.Parse(await host.Http.GetStringAsync("/api/vehicles?limit=500")).RootElement;
        Assert.Equal(Vehicles, page.GetProperty("items").GetArrayLength());
        Assert.All(page.GetProperty("items").EnumerateArray(), v => Assert.Equal(v.GetProperty("id").GetString(), v.GetProperty("vin").GetString()));
        var vins = page.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("id").GetString()).ToHashSet();
        foreach (var (provider, resolve) in new[] { ("tracker", "imei="), ("invers", "provider=invers&id="), ("volteras", "vin=") })
        {
            var sample = deliveries.Last(d => d.Provider == provider);
            var twin = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/vehicles/resolve?{resolve}{sample.VehicleKey}")).RootElement;
            Assert.Contains(twin.GetProperty("id").GetString(), vins);
            Assert.True(twin.GetProperty("lastSeenAt").GetDateTimeOffset() >= sample.At.AddSeconds(-1), $"{provider}: the twin saw its reading");
        }

        // The operator's hand on one vehicle: unlink its tracker, link it back; importing again changes nothing.
        var tracked = deliveries.Last(d => d.Provider == "tracker").VehicleKey;
        var owner = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/vehicles/resolve?imei={tracked}")).RootElement.GetProperty("id").GetString()!;
        var unlink = await CliTests.RunAsync(host, "unlink", owner, $"imei:{tracked}");
        Assert.True(unlink.ExitCode == 0, unlink.Error);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/vehicles/resolve?imei={tracked}")).StatusCode);
        var link = await CliTests.RunAsync(host, "link", owner, $"imei:{tracked}");
        Assert.True(link.ExitCode == 0, link.Error);
        Assert.Contains($"imei:{tracked}", link.Output);
        var again = await CliTests.RunAsync(host, "import", registry);
        Assert.Contains($"0 created, 0 linked, 0 merged, {Vehicles} unchanged", again.Output);
        File.Delete(registry);
    }
}
