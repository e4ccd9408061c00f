using FleetTwins.Host.Tests.Amqp;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// The test broker itself failing under an INVERS stream into one silo: restarted, or every client connection cut with a
/// TCP reset. Every host on the broker sees it: these run with no other test beside them.
/// </summary>
[Collection(SharedServicesCollection.Name)]
[Trait(SharedServicesCollection.Trait, SharedServicesCollection.Exclusive)]
public sealed class BrokerFaultTests
{
    [Fact]
    public async Task Broker_restart_mid_stream_applies_every_event_exactly_once() =>
        await AppliedExactlyOnceThroughAsync("R-", async (_, _, i, count) =>
        {
            if (i == count / 2)
            {
                await Eventually.ServicesAsync("stop-rabbitmq");
                await Eventually.ServicesAsync("start-rabbitmq");
            }
        });

    [Fact]
    public async Task Connections_cut_with_a_tcp_reset_mid_stream_lose_nothing_and_double_nothing() =>
        await AppliedExactlyOnceThroughAsync("X-", async (host, queue, i, count) =>
        {
            if (i != count / 3 && i != 2 * count / 3)
            {
                return;
            }

            // Each reset cuts the host's consumer: the second waits until it has reconnected from the first.
            await AmqpConsumers.ConsumerAsync([host], queue, TimeSpan.FromSeconds(60));

            // A machine that cannot reset TCP connections (ss -K needs the kernel's sock_destroy) fails here: it proves nothing.
            var reset = await Eventually.ServicesAsync("reset-amqp-connections");

            // The host's consumer and the test's publisher at least: a reset that cut nothing tests nothing.
            Assert.Matches(@"^reset ([2-9]|\d{2,}) connections", reset.Trim());
        });

    /// <summary>
    /// Publishes 15 readings for each of 20 vehicles, calling <paramref name="fault"/> after each publish (with its
    /// host, the queue, its index and the total); then every event must be applied exactly once and each vehicle end at
    /// its last reading.
    /// </summary>
    private static async Task AppliedExactlyOnceThroughAsync(string prefix, Func<HostProcess, string, int, int, Task> fault)
    {
        const int vehicles = 20, perVehicle = 15;
        await using var queue = await AmqpQueue.CreateAsync();
        await using var host = await HostProcess.StartAsync(InversAmqpTests.Settings(queue));
        var ids = Enumerable.Range(0, vehicles).Select(i => $"{prefix}{Guid.NewGuid():N}"[..16] + i).ToList();
        var events = (from n in Enumerable.Range(0, perVehicle) from v in ids select (v, n)).ToList();

        for (var i = 0; i < events.Count; i++)
        {
            var (vehicle, n) = events[i];
            var id = $"{vehicle}-{n}";
            await queue.PublishReliablyAsync(InversAmqpTests.Event(id, vehicle, "VehicleStateRecorded", InversAmqpTests.State("mileage_in_kilometers", n)), id);
            await fault(host, queue.Name, i, events.Count);
        }

        await InversAmqpTests.AssertEachAppliedOnceAsync(host, queue, ids, perVehicle, "odometer", perVehicle - 1, TimeSpan.FromSeconds(120));
    }
}
