using System.Net;
using System.Text.Json;
using FleetTwins.Host.Tests.Amqp;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// PostgreSQL stopped under webhook and AMQP ingestion (cluster profile) until as many messages were handed back as
/// were published during the outage: readiness says so, webhooks answer 503 with Retry-After and change nothing, AMQP
/// messages stay unacknowledged; once PostgreSQL is back everything is applied once — what the providers retry included — and nothing that had been accepted is lost. The
/// outage outlasts the INVERS delivery time, so it also shows that messages failing through an outage are handed
/// back (the stream provider counts them), not parked.
/// </summary>
[Collection(SharedServicesCollection.Name)] // stops PostgreSQL
[Trait(SharedServicesCollection.Trait, SharedServicesCollection.Exclusive)]
public sealed class PostgresOutageTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddMinutes(-10);

    [Fact]
    public async Task Everything_accepted_before_during_and_after_an_outage_past_the_delivery_time_is_applied_exactly_once()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var queue = await AmqpQueue.CreateAsync();
        var settings = InversAmqpTests.Settings(queue, database.ClusterSettings(migrate: true));
        // Shorter than the outage: a delivery that fails through an outage is handed back to the broker, not parked.
        settings["Ingestion__Invers__MaxDeliveryTime"] = "00:00:10";
        await using var host = await HostProcess.StartAsync(settings);
        var sender = new WebhookSender(host.Http);
        var vins = Enumerable.Range(0, 8).Select(_ => ApiKeys.NewVin()).ToList();
        var inversIds = Enumerable.Range(0, 8).Select(i => $"PG-{Guid.NewGuid():N}"[..14] + i).ToList();

        // Before: SOC 10 for every vehicle, odometer 1 for every INVERS vehicle.
        foreach (var vin in vins)
        {
            Assert.Equal(HttpStatusCode.OK, (await SocAsync(sender, vin, 10, 0)).StatusCode);
        }

        await PublishAsync(queue, inversIds, 1);
        await Eventually.ReturnsAsync(() => InversAmqpTests.VersionSumAsync(host, inversIds), sum => sum == inversIds.Count,
            TimeSpan.FromSeconds(60), "the first INVERS events applied");

        await Eventually.ServicesAsync("stop-postgres");
        try
        {
            await Eventually.ReturnsAsync(async () => (await host.Http.GetAsync("/health/ready")).StatusCode,
                status => status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "readiness 503 while PostgreSQL is down");

            // During: deliveries are refused with 503 and Retry-After (the provider retries them later), messages wait
            // in the queue.
            var refused = new List<string>();
            foreach (var vin in vins)
            {
                var answer = await SocAsync(sender, vin, 20, 1);
                Assert.True(answer.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.OK, $"answer {answer.StatusCode}");
                if (answer.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    refused.Add(vin);
                    Assert.True(answer.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"503 without Retry-After: {answer.Headers}");
                }
            }

            Assert.Equal(vins, refused);
            await PublishAsync(queue, inversIds, 2);

            // As many hand-backs as messages: delivery attempts ended, past the point where a message would have been
            // acknowledged had it been; none was, each is still the broker's.
            await Eventually.ReturnsAsync(async () => Scrape.Sum(await Scrape.MetricsAsync(host), HandedBack(queue)),
                n => n >= inversIds.Count, TimeSpan.FromSeconds(120), $"{inversIds.Count} messages handed back during the outage");
            Assert.Equal(inversIds.Count, await queue.UnacknowledgedAsync());
        }
        finally
        {
            await Eventually.ServicesAsync("start-postgres");
        }

        await Eventually.ReturnsAsync(async () => (await host.Http.GetAsync("/health/ready")).StatusCode,
            status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "readiness 200 once PostgreSQL is back");

        // A refused delivery changed nothing.
        foreach (var vin in vins)
        {
            Assert.Equal(10, await SocOfAsync(host, vin));
        }

        // After: the provider's retries of the refused deliveries (same ids), and one more each.
        foreach (var vin in vins)
        {
            Assert.Equal(HttpStatusCode.OK, (await SocAsync(sender, vin, 20, 1)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await SocAsync(sender, vin, 20, 1)).StatusCode); // a duplicate
            Assert.Equal(HttpStatusCode.OK, (await SocAsync(sender, vin, 30, 2)).StatusCode);
        }

        await PublishAsync(queue, inversIds, 3);
        await InversAmqpTests.AssertEachAppliedOnceAsync(host, queue, inversIds, 3, "odometer", 3, TimeSpan.FromSeconds(120));

        // The outage outlasted the delivery time: the messages failing through it were handed back to the broker (and
        // came again), none was parked.
        var metrics = await Scrape.MetricsAsync(host);
        Assert.True(Scrape.Sum(metrics, HandedBack(queue)) > 0, "no message was handed back during the outage");
        Assert.Equal(0, Scrape.Sum(metrics, $$"""fleettwins_amqp_failed_deliveries_total{queue="{{queue.Name}}",outcome="parked"}"""));
        Assert.Equal(0u, await queue.ReadyAsync(queue.ParkingQueue));

        foreach (var vin in vins)
        {
            var twin = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/vehicles/resolve?vin={vin}")).RootElement;
            Assert.Equal(30, twin.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
            Assert.Equal(3, twin.GetProperty("version").GetInt64()); // SOC 10, 20 (once), 30: nothing lost, nothing doubled
        }
    }

    private static string HandedBack(AmqpQueue queue) => $$"""fleettwins_amqp_failed_deliveries_total{queue="{{queue.Name}}",outcome="handed-back"}""";

    private static Task<HttpResponseMessage> SocAsync(WebhookSender sender, string vin, double soc, int minute) =>
        sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, soc, Start.AddMinutes(minute)), $"msg_{vin}_{minute}");

    private static async Task<double> SocOfAsync(HostProcess host, string vin) =>
        JsonDocument.Parse(await host.Http.GetStringAsync($"/api/vehicles/resolve?vin={vin}"))
            .RootElement.GetProperty("stateOfCharge").GetProperty("value").GetDouble();

    private static async Task PublishAsync(AmqpQueue queue, IEnumerable<string> vehicles, int n)
    {
        foreach (var vehicle in vehicles)
        {
            var id = $"{vehicle}-{n}";
            await queue.PublishReliablyAsync(InversAmqpTests.Event(id, vehicle, "VehicleStateRecorded", InversAmqpTests.State("mileage_in_kilometers", n)), id);
        }
    }
}
