using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FleetTwins.Host.Tests.Amqp;

/// <summary>
/// Commands leave the building: an integration's plain RabbitMQ.Client consumer on <c>fleettwins.commands</c> and an HTTP
/// receiver that verifies the Standard Webhooks signature and answers a provider command id; the provider's
/// <c>command.updated</c> for that id and then its telemetry move the command PENDING → EXECUTED → CONFIRMED. Both
/// dispatchers down for a while (the broker stopped, the receiver answering 503) delay dispatch and lose nothing.
/// </summary>
[Collection(SharedServicesCollection.Name)] // stops RabbitMQ
[Trait(SharedServicesCollection.Trait, SharedServicesCollection.Exclusive)]
public sealed class CommandDispatchTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Command_is_dispatched_through_the_exchange_and_a_signed_webhook_and_confirmed_by_the_providers_reports_after_an_outage()
    {
        await using var receiver = await CommandReceiver.StartAsync();
        var queue = $"ft.commands.{Guid.NewGuid():N}";
        await using var consumer = await CommandConsumer.StartAsync(queue);

        await using var database = await PostgresDatabase.CreateAsync();
        var settings = database.ClusterSettings(migrate: true);
        foreach (var (key, value) in WebhookSender.Settings())
        {
            settings[key] = value;
        }

        settings["ConnectionStrings__RabbitMQ"] = TestServices.RabbitMQ;
        settings["Commands__Dispatch__Webhooks__0__Url"] = receiver.Url;
        settings["Commands__Dispatch__Webhooks__0__Secret"] = CommandReceiver.Secret;
        settings["Commands__Dispatch__Webhooks__0__Providers__0"] = "volteras";
        settings["Commands__Dispatch__RetryBackoff"] = "00:00:00.200";
        settings["Commands__Dispatch__MaxRetryBackoff"] = "00:00:01";
        await using var host = await HostProcess.StartAsync(settings);
        var sender = new WebhookSender(host.Http);
        var vin = ApiKeys.NewVin();
        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 41, DateTimeOffset.UtcNow))).StatusCode);

        // Both dispatchers down: the broker stopped, the receiver refusing.
        receiver.Down = true;
        await consumer.DisposeAsync();
        await Eventually.ServicesAsync("stop-rabbitmq");
        JsonElement sent;
        try
        {
            var post = await host.Http.PostAsJsonAsync($"/api/vehicles/{vin}/commands",
                new { command = "START_CHARGING", arguments = new { maxPowerKw = 11 }, idempotencyKey = "charge-1" });
            Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
            sent = await post.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(("PENDING", "volteras"), (sent.GetProperty("status").GetString(), sent.GetProperty("provider").GetString()));
            await Eventually.ReturnsAsync(() => Task.FromResult(receiver.Refused), n => n >= 3, Within, "three refused webhook attempts");
            Assert.DoesNotContain(Reasons(await CommandAsync(host, vin, sent)), r => r == "dispatched");
        }
        finally
        {
            await Eventually.ServicesAsync("start-rabbitmq");
            receiver.Down = false;
        }

        var id = sent.GetProperty("id").GetString()!;
        var command = await Eventually.ReturnsAsync(() => CommandAsync(host, vin, sent), c => Reasons(c).Count(r => r == "dispatched") == 2,
            Within, $"both dispatches recorded\n{host.Output}");
        var dispatched = command.GetProperty("history").EnumerateArray().Where(h => h.GetProperty("reason").GetString() == "dispatched")
            .ToDictionary(h => h.GetProperty("channel").GetString()!, h => h.GetProperty("attempt").GetInt32());
        Assert.Equal(["exchange:fleettwins.commands", $"webhook:{receiver.Url}"], dispatched.Keys.Order());
        Assert.True(dispatched.Values.All(attempt => attempt > 1), $"attempts: {string.Join(", ", dispatched)}");

        // The webhook: signed (the receiver verified it), once, with the body the contract names, its answer the provider's id.
        var (webhookId, body) = Assert.Single(receiver.Received);
        Assert.Equal(id, webhookId);
        AssertBody(body, id, vin);
        var providerCommandId = command.GetProperty("providerCommandId").GetString();
        Assert.Equal(CommandReceiver.ProviderCommandId(id), providerCommandId);

        // The exchange: routing key provider.COMMAND, message id the command id, the same body.
        await using var afterOutage = await CommandConsumer.StartAsync(queue, deleteOnDispose: true);
        var message = await Eventually.ReturnsAsync(() => Task.FromResult(afterOutage.Received.ToList()), m => m.Count >= 1, Within, "the command on the exchange");
        var (routingKey, messageId, amqpBody) = Assert.Single(message);
        Assert.Equal(("volteras.START_CHARGING", id), (routingKey, messageId));
        AssertBody(amqpBody, id, vin);

        // The provider reports on its id, then the twin's telemetry shows the effect.
        var updated = Encoding.UTF8.GetBytes($$"""{"id":"{{providerCommandId}}","deviceType":"VEHICLE","deviceId":"vt-{{vin}}","command":"START_CHARGING","status":"EXECUTED","failedReason":null}""");
        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("command.updated", updated)).StatusCode);
        Assert.Equal("EXECUTED", (await CommandAsync(host, vin, sent)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", ApiKeys.ChargingState(vin, "CHARGING", DateTimeOffset.UtcNow.AddSeconds(1)))).StatusCode);
        command = await CommandAsync(host, vin, sent);
        var statuses = command.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()).Distinct();
        Assert.Equal(["PENDING", "EXECUTED", "CONFIRMED"], statuses);

        // The idempotency key answers its command, and refuses to stand for another request.
        var again = await host.Http.PostAsJsonAsync($"/api/vehicles/{vin}/commands",
            new { command = "START_CHARGING", arguments = new { maxPowerKw = 11.0 }, idempotencyKey = "charge-1" });
        Assert.Equal((HttpStatusCode.Accepted, id), (again.StatusCode, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()));
        var conflict = await host.Http.PostAsJsonAsync($"/api/vehicles/{vin}/commands",
            new { command = "START_CHARGING", arguments = new { maxPowerKw = 22 }, idempotencyKey = "charge-1" });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Single(receiver.Received);
    }

    private static void AssertBody(JsonElement body, string id, string vin)
    {
        Assert.Equal((id, vin, "volteras", $"vt-{vin}", "START_CHARGING", "charge-1"),
            (body.GetProperty("commandId").GetString(), body.GetProperty("twinId").GetString(), body.GetProperty("provider").GetString(),
                body.GetProperty("providerVehicleId").GetString(), body.GetProperty("command").GetString(), body.GetProperty("idempotencyKey").GetString()));
        Assert.Equal(11, body.GetProperty("arguments").GetProperty("maxPowerKw").GetInt32());
        Assert.True(body.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    private static IEnumerable<string?> Reasons(JsonElement command) =>
        command.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("reason").GetString());

    private static async Task<JsonElement> CommandAsync(HostProcess host, string vin, JsonElement sent) =>
        await host.Http.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vin}/commands/{sent.GetProperty("id").GetString()}");

    /// <summary>A plain RabbitMQ.Client consumer of a durable queue bound to <c>fleettwins.commands</c> for Volteras.</summary>
    private sealed class CommandConsumer(IConnection connection, IChannel channel, string queue, bool deleteOnDispose) : IAsyncDisposable
    {
        private readonly ConcurrentQueue<(string RoutingKey, string? MessageId, JsonElement Body)> received = new();
        private bool disposed;

        public IEnumerable<(string RoutingKey, string? MessageId, JsonElement Body)> Received => received;

        /// <summary>Consumes <paramref name="queue"/> (declared durable: it keeps what comes while nobody consumes, across a broker restart).</summary>
        public static async Task<CommandConsumer> StartAsync(string queue, bool deleteOnDispose = false)
        {
            var factory = new ConnectionFactory { Uri = new Uri(TestServices.RabbitMQ), AutomaticRecoveryEnabled = false };
            var connection = await factory.CreateConnectionAsync();
            var channel = await connection.CreateChannelAsync();
            await channel.ExchangeDeclareAsync("fleettwins.commands", ExchangeType.Topic, durable: true, autoDelete: false);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync(queue, "fleettwins.commands", "volteras.#");
            var consumer = new CommandConsumer(connection, channel, queue, deleteOnDispose);
            var events = new AsyncEventingBasicConsumer(channel);
            events.ReceivedAsync += (_, delivery) =>
            {
                consumer.received.Enqueue((delivery.RoutingKey, delivery.BasicProperties.MessageId, JsonDocument.Parse(delivery.Body.ToArray()).RootElement.Clone()));
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(queue, autoAck: true, events);
            return consumer;
        }

        public async ValueTask DisposeAsync()
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            try
            {
                if (deleteOnDispose)
                {
                    await channel.QueueDeleteAsync(queue);
                }

                await channel.CloseAsync();
                await connection.CloseAsync();
            }
            catch (Exception)
            {
                // The broker went first.
            }

            await connection.DisposeAsync();
        }
    }
}
