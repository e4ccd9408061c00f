using System.Collections.Concurrent;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// The simulator's mix into a silo while the notification exchange's only consumer queue is full (<see cref="SimulatedFleet"/>,
/// as <see cref="SimulatedFleetFaultTests"/>). The queue, bound to every routing key, refuses what every host on the broker
/// publishes: the test runs with no other beside it.
/// </summary>
[Collection(SharedServicesCollection.Name)]
[Trait(SharedServicesCollection.Trait, SharedServicesCollection.Exclusive)]
public sealed class NotificationSinkFaultTests(SimulatedFleet fleet, ITestOutputHelper output) : IClassFixture<SimulatedFleet>
{
    [Fact]
    public async Task A_full_notification_sink_holds_notifications_in_the_outbox_until_it_has_room()
    {
        // A consumer's queue on the notification exchange that takes five messages and refuses the rest
        // (reject-publish: the broker answers the publisher's confirm with a nack).
        var factory = new ConnectionFactory { Uri = new Uri(TestServices.RabbitMQ), AutomaticRecoveryEnabled = false };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("fleettwins.notifications", ExchangeType.Topic, durable: true, autoDelete: false);
        var full = $"ft.notifications.full.{Guid.NewGuid():N}";
        await channel.QueueDeclareAsync(full, durable: false, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-max-length"] = 5, ["x-overflow"] = "reject-publish" });

        await channel.QueueBindAsync(full, "fleettwins.notifications", "#");
        try
        {
            await using var cluster = await FaultCluster.StartAsync(silos: 1);
            var sender = new FleetSender(cluster.Queue, () => cluster.Silos);
            await sender.SendAsync(fleet.Deliveries);

            // Ingestion goes on while the sink is full: every twin as expected, nothing parked.
            await fleet.AssertEveryTwinAsExpectedAsync(cluster.Silos[0], cluster.Queue, SimulatedFleet.Settle);
            Assert.Empty(await SimulatedFleet.ParkedAsync(cluster.Queue));
            Assert.Equal(5u, (await channel.QueueDeclarePassiveAsync(full)).MessageCount);

            // The consumer catches up. What must arrive is computed from what was sent, not read from the product: one
            // notification per distinct alarm delivery, on its vehicle's twin.
            var received = new ConcurrentQueue<ReceivedNotification>();
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                using var json = JsonDocument.Parse(delivery.Body.ToArray());
                var n = json.RootElement;
                received.Enqueue(new ReceivedNotification(n.GetProperty("id").GetString()!, n.GetProperty("type").GetString()!,
                    n.GetProperty("twinId").GetString()!, $"{n.GetProperty("at").GetString()} {n.GetProperty("data").GetRawText()}"));
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(full, autoAck: true, consumer);
            var expected = await fleet.ExpectedNotificationsAsync(cluster.Silos[0]);
            Assert.True(expected.Values.Sum() > 5, $"{expected.Values.Sum()} alarm notifications expected: not enough to fill the sink");
            int DistinctIds((string TwinId, string Type) key) =>
                received.Where(r => (r.TwinId, r.Type) == key).Select(r => r.Id).Distinct(StringComparer.Ordinal).Count();

            // The end of the outboxes: every notification the twins hold (the product's own record, raised in the same
            // write as its outbox entry) reached the queue, so nothing more is coming.
            var stored = await fleet.RaisedNotificationIdsAsync(cluster.Silos[0]);
            await Eventually.ReturnsAsync(() => Task.FromResult(stored.Count(id => received.Any(r => r.Id == id))), n => n == stored.Count,
                TimeSpan.FromMinutes(3), $"all {stored.Count} notifications the twins hold delivered once the sink has room");

            // Each expected one under one id: none missing, none raised twice. Delivery is at least once (a redelivery
            // keeps its id), so the same content under two ids would be a notification raised twice.
            Assert.All(expected, e => Assert.True(DistinctIds(e.Key) == e.Value,
                $"{e.Key.Type} on {e.Key.TwinId}: {DistinctIds(e.Key)} received, {e.Value} sent"));
            var doubled = received.GroupBy(r => (r.TwinId, r.Type, r.Content))
                .Where(g => g.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count() > 1).Select(g => g.Key).ToList();
            Assert.True(doubled.Count == 0, $"{doubled.Count} notifications received under two ids: {string.Join("; ", doubled.Take(5))}");
            var distinct = received.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count();
            fleet.Report(output, sender, $"notification queue full (5 messages, reject-publish); once it had room {distinct} " +
                $"notifications received ({received.Count - distinct} redelivered), the {expected.Values.Sum()} alarm notifications the deliveries raise among them, each once");
        }
        finally
        {
            await channel.QueueDeleteAsync(full);
        }
    }

    /// <summary>A notification as the queue on the exchange received it; <c>Content</c> is its time and data.</summary>
    private sealed record ReceivedNotification(string Id, string Type, string TwinId, string Content);
}
