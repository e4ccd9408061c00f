using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FleetTwins.Host.Tests.Amqp;

[Collection(SharedServicesCollection.Name)] // reads every notification on the exchange
[Trait(SharedServicesCollection.Trait, SharedServicesCollection.Exclusive)]
public sealed class NotificationExchangeTests
{
    [Fact]
    public async Task Every_notification_reaches_the_exchange_as_raised_across_a_silo_restart()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = database.ClusterSettings(migrate: true);
        settings["ConnectionStrings__RabbitMQ"] = TestServices.RabbitMQ;

        // An automation tool's queue on the exchange: every routing key.
        var factory = new ConnectionFactory { Uri = new Uri(TestServices.RabbitMQ), AutomaticRecoveryEnabled = false };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("fleettwins.notifications", ExchangeType.Topic, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync($"ft.notifications.{Guid.NewGuid():N}", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, "fleettwins.notifications", "#");
        var received = new ConcurrentBag<JsonElement>();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            received.Add(JsonDocument.Parse(delivery.Body.ToArray()).RootElement.Clone());
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);

        var imeis = Enumerable.Range(0, 6).Select(i => $"35061207{Random.Shared.Next(1_000_000, 9_999_999)}").ToList();
        string Push(string imei, string kind, int minute) =>
            $$"""{"Event":"{{kind}}","Changes":1,"IMEI":"{{imei}}","Device_Time":"2024-06-28T17:{{minute:00}}:13.000000+0000","Server_Time":"2024-06-28T18:49:45.000000+0000","Coordinates":"22.9,75.5","Geofence_Name":"Depot"}""";

        var first = await HostProcess.StartAsync(settings);
        var sender = new WebhookSender(first.Http);
        foreach (var imei in imeis)
        {
            (await sender.TrackerAsync(Encoding.UTF8.GetBytes(Push(imei, "sos", 1)))).EnsureSuccessStatusCode();
            (await sender.TrackerAsync(Encoding.UTF8.GetBytes(Push(imei, "geofence_enter", 2)))).EnsureSuccessStatusCode();
        }

        await first.StopAsync();
        await first.DisposeAsync();
        await using var second = await HostProcess.StartAsync(settings);
        sender = new WebhookSender(second.Http);
        foreach (var imei in imeis)
        {
            (await sender.TrackerAsync(Encoding.UTF8.GetBytes(Push(imei, "power_cut", 3)))).EnsureSuccessStatusCode();
        }

        var raised = new List<JsonElement>();
        foreach (var imei in imeis)
        {
            raised.AddRange(JsonDocument.Parse(await second.Http.GetStringAsync($"/api/vehicles/imei:{imei}/notifications")).RootElement.EnumerateArray().Select(n => n.Clone()));
        }

        var expected = raised.ToDictionary(n => n.GetProperty("id").GetString()!, n => n);
        await Eventually.ReturnsAsync(() => Task.FromResult(received.Select(n => n.GetProperty("id").GetString()).ToHashSet()),
            ids => ids.IsSupersetOf(expected.Keys), TimeSpan.FromSeconds(60), "every notification on the exchange");

        Assert.Equal(imeis.Count * 4, expected.Count); // vehicle-online, sos, geofence-entered, power-cut each
        foreach (var message in received)
        {
            var id = message.GetProperty("id").GetString()!;
            Assert.True(expected.TryGetValue(id, out var original), $"unexpected notification {id}");
            foreach (var field in new[] { "type", "twinId", "reason" })
            {
                Assert.Equal(original.GetProperty(field).GetString(), message.GetProperty(field).GetString());
            }

            Assert.Equal(original.GetProperty("data").GetRawText(), message.GetProperty("data").GetRawText());
        }
    }
}
