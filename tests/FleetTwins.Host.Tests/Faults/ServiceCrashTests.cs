using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using FleetTwins.Host.Tests.Amqp;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// The services a cluster silo depends on killed with SIGKILL under load (no shutdown, no goodbye): PostgreSQL while
/// journal commits are in flight, the broker while it has handed out messages nobody acknowledged yet. The oracle is
/// what the test sent and what the host acknowledged: every acknowledged delivery applied once, every delivery the
/// sender had to retry applied once too, nothing parked.
/// </summary>
[Collection(SharedServicesCollection.Name)] // kills PostgreSQL and RabbitMQ
[Trait(SharedServicesCollection.Trait, SharedServicesCollection.Exclusive)]
public sealed class ServiceCrashTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddHours(-2);

    [Fact]
    public async Task PostgreSQL_killed_while_commits_are_in_flight_loses_no_acknowledged_delivery_and_doubles_none()
    {
        const int vehicles = 24, perVehicle = 12;
        await using var database = await PostgresDatabase.CreateAsync();
        await using var queue = await AmqpQueue.CreateAsync();
        await using var host = await HostProcess.StartAsync(InversAmqpTests.Settings(queue, database.ClusterSettings(migrate: true)), TimeSpan.FromMinutes(2));
        var sender = new RetryingSender(new WebhookSender(host.Http));
        var vins = Enumerable.Range(0, vehicles).Select(_ => ApiKeys.NewVin()).ToList();
        var inversIds = Enumerable.Range(0, vehicles).Select(i => $"PK-{Guid.NewGuid():N}"[..14] + i).ToList();

        // Readings in rounds (every vehicle's n-th, then the next), six webhooks in flight at any time, INVERS beside them.
        var readings = (from n in Enumerable.Range(0, perVehicle) from vin in vins select (vin, n)).ToList();
        var webhooks = Parallel.ForEachAsync(readings, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (reading, _) =>
            await sender.SendAsync(reading.vin, reading.n));
        var invers = Task.Run(async () =>
        {
            foreach (var (vehicle, n) in from n in Enumerable.Range(0, perVehicle) from v in inversIds select (v, n))
            {
                var id = $"{vehicle}-{n}";
                await queue.PublishReliablyAsync(InversAmqpTests.Event(id, vehicle, "VehicleStateRecorded", InversAmqpTests.State("mileage_in_kilometers", n)), id);
            }
        });

        await Eventually.ReturnsAsync(() => Task.FromResult(sender.Acknowledged), n => n >= readings.Count / 3, TimeSpan.FromMinutes(2), "a third of the webhooks acknowledged");
        var inFlight = sender.InFlight;
        await Eventually.ServicesAsync("kill-postgres");
        try
        {
            // Down long enough for every delivery in flight to fail and for the sender to retry into the outage.
            await Eventually.ReturnsAsync(() => Task.FromResult(sender.Refused), n => n > 0, TimeSpan.FromSeconds(30), "deliveries refused while PostgreSQL is down");
        }
        finally
        {
            await Eventually.ServicesAsync("start-postgres");
        }

        await webhooks;
        await invers;
        Assert.True(inFlight > 0, "nothing was in flight when PostgreSQL was killed");
        foreach (var vin in vins)
        {
            var twin = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/vehicles/resolve?vin={vin}")).RootElement;
            Assert.Equal(perVehicle, twin.GetProperty("version").GetInt64());
            Assert.Equal(Soc(perVehicle - 1), twin.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
        }

        await InversAmqpTests.AssertEachAppliedOnceAsync(host, queue, inversIds, perVehicle, "odometer", perVehicle - 1, TimeSpan.FromSeconds(120));
        Assert.Equal(0u, await queue.ReadyAsync(queue.ParkingQueue));
        output.WriteLine($"PostgreSQL SIGKILLed with {inFlight} webhooks in flight after {readings.Count / 3} acknowledged, restarted: " +
            $"{readings.Count} webhooks + {inversIds.Count * perVehicle} INVERS messages, {sender.Refused} attempts answered 503 or cut and retried " +
            $"({sender.Statuses}); every twin at version {perVehicle}: 0 lost, 0 doubled");
    }

    [Fact]
    public async Task The_broker_killed_with_messages_unacknowledged_redelivers_them_and_each_is_applied_once()
    {
        const int vehicles = 20, perVehicle = 15;
        await using var database = await PostgresDatabase.CreateAsync();
        await using var queue = await AmqpQueue.CreateAsync();
        await using var host = await HostProcess.StartAsync(InversAmqpTests.Settings(queue, database.ClusterSettings(migrate: true)), TimeSpan.FromMinutes(2));
        var ids = Enumerable.Range(0, vehicles).Select(i => $"BK-{Guid.NewGuid():N}"[..14] + i).ToList();

        async Task PublishRoundsAsync(int first, int end)
        {
            foreach (var (vehicle, n) in from n in Enumerable.Range(first, end - first) from v in ids select (v, n))
            {
                var id = $"{vehicle}-{n}";
                await queue.PublishReliablyAsync(InversAmqpTests.Event(id, vehicle, "VehicleStateRecorded", InversAmqpTests.State("mileage_in_kilometers", n)), id);
            }
        }

        await PublishRoundsAsync(0, 5);
        await Eventually.ReturnsAsync(() => InversAmqpTests.VersionSumAsync(host, ids), sum => sum == vehicles * 5, TimeSpan.FromSeconds(60), "the first rounds applied");

        // With the state tables locked nothing can be persisted, so what the consumer receives now stays unacknowledged
        // — for certain, not by timing — and the broker is killed holding it.
        long held;
        await using (await database.LockStateTablesAsync())
        {
            await PublishRoundsAsync(5, 10);
            await Eventually.ReturnsAsync(() => queue.ReadyAsync(queue.Name), ready => ready == 0, TimeSpan.FromSeconds(30), "the consumer received the held rounds");
            held = await queue.UnacknowledgedAsync();
            await Eventually.ServicesAsync("kill-rabbitmq");
        }

        await Eventually.ServicesAsync("start-rabbitmq");
        await PublishRoundsAsync(10, perVehicle);
        await InversAmqpTests.AssertEachAppliedOnceAsync(host, queue, ids, perVehicle, "odometer", perVehicle - 1, TimeSpan.FromSeconds(180));
        Assert.Equal(vehicles * 5, held);
        Assert.Equal(0u, await queue.ReadyAsync(queue.ParkingQueue));
        output.WriteLine($"broker SIGKILLed holding {held} unacknowledged messages, restarted: {vehicles * perVehicle} messages, each applied once, none parked");
    }

    private static double Soc(int n) => 20 + (n * 5);

    /// <summary>
    /// Sends one SOC reading per (vehicle, n) as a provider would: the same delivery id again after a 503, a 429 or a
    /// cut connection, until it is acknowledged; any other answer fails the test at once.
    /// </summary>
    private sealed class RetryingSender(WebhookSender sender)
    {
        private readonly ConcurrentDictionary<int, int> statuses = new();
        private int acknowledged;
        private int refused;
        private int inFlight;

        public int Acknowledged => Volatile.Read(ref acknowledged);

        public int Refused => Volatile.Read(ref refused);

        public int InFlight => Volatile.Read(ref inFlight);

        /// <summary>The answers that asked for a retry, by status (0: the connection was cut).</summary>
        public string Statuses => string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));

        public async Task SendAsync(string vin, int n)
        {
            var giveUp = DateTime.UtcNow.AddMinutes(3);
            while (true)
            {
                Interlocked.Increment(ref inFlight);
                int status;
                try
                {
                    using var answer = await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, Soc(n), Start.AddMinutes(n)), $"msg_{vin}_{n}");
                    status = (int)answer.StatusCode;
                    if (answer.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref acknowledged);
                        return;
                    }

                    Assert.True(answer.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests,
                        $"delivery msg_{vin}_{n} answered {status}: {await answer.Content.ReadAsStringAsync()}");
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }

                statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
                Interlocked.Increment(ref refused);
                Assert.True(DateTime.UtcNow < giveUp, $"delivery msg_{vin}_{n} not acknowledged within 3 minutes");
                await Task.Delay(200);
            }
        }
    }
}
