// amqp-drain fill <uri> <queue> <count> <vehicles>   pre-fills a durable queue with a mix of INVERS events
// amqp-drain bare <uri> <queue> <count>              consumes and acknowledges <count> messages; prints the rate
using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: fill <uri> <queue> <count> <vehicles> | bare <uri> <queue> <count>");
    return 2;
}

var factory = new ConnectionFactory { Uri = new Uri(args[1]) };
await using var connection = await factory.CreateConnectionAsync();
var queue = args[2];
var count = int.Parse(args[3]);

if (args[0] == "fill")
{
    var vehicles = int.Parse(args[4]);
    await using var channel = await connection.CreateChannelAsync();
    await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        var (type, body) = InversEvent(i, $"BENCH-{i % vehicles}");
        var properties = new BasicProperties
        {
            Persistent = true, MessageId = $"bench-{queue}-{i}", Type = type, ContentType = "application/json",
            Headers = new Dictionary<string, object?> { ["schema_major_version"] = "2"u8.ToArray() },
        };
        await channel.BasicPublishAsync("", queue, mandatory: false, properties, Encoding.UTF8.GetBytes(body));
    }

    Console.WriteLine($"filled {queue} with {count} events for {vehicles} vehicles in {clock.Elapsed.TotalSeconds:F1} s");
    return 0;
}

if (args[0] == "bare")
{
    await using var channel = await connection.CreateChannelAsync();
    await channel.BasicQosAsync(0, 1000, false);
    var done = new TaskCompletionSource();
    var acked = 0;
    var clock = new Stopwatch();
    var consumer = new AsyncEventingBasicConsumer(channel);
    consumer.ReceivedAsync += async (_, delivery) =>
    {
        clock.Start();
        await channel.BasicAckAsync(delivery.DeliveryTag, false);
        if (++acked == count)
        {
            done.TrySetResult();
        }
    };
    await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
    await done.Task.WaitAsync(TimeSpan.FromMinutes(10));
    Console.WriteLine($"bare consumer: {count} messages acknowledged in {clock.Elapsed.TotalSeconds:F2} s = {count / clock.Elapsed.TotalSeconds:F0} msg/s");
    return 0;
}

Console.Error.WriteLine($"unknown mode {args[0]}");
return 2;

// A realistic mix: mostly state records, some rental changes, trips and smoke events.
static (string Type, string Body) InversEvent(int i, string vehicle)
{
    var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i).ToString("yyyy-MM-ddTHH:mm:ssZ");
    string Reading(string name, string value) => "\"" + name + "\":{\"timestamp\":\"" + at + "\",\"value\":" + value + "}";
    var (type, data) = (i % 20) switch
    {
        < 14 => ("VehicleStateRecorded", ",\"state\":{" + string.Join(",",
            Reading("mileage_in_kilometers", (i / 10.0).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Reading("state_of_charge_or_fuel_level_in_percent", (i % 100).ToString()),
            Reading("position", "{\"lat\":52.5,\"lon\":13.4}"),
            Reading("central_lock", "\"LOCKED\"")) + "}"),
        < 16 => ("VehicleChanged", ",\"vehicle\":{\"id\":\"" + vehicle + "\",\"rental_status\":{\"value\":\"" + (i % 2 == 0 ? "IN_RENTAL" : "NOT_IN_RENTAL") + "\"}}"),
        16 => ("TripStarted", ",\"trip_id\":\"t" + i + "\",\"start_position\":{\"lat\":52.5,\"lon\":13.4}"),
        17 => ("TripEnded", ",\"trip_id\":\"t" + (i - 1) + "\",\"end_position\":{\"lat\":52.6,\"lon\":13.5}"),
        18 => ("TripMetricsReady", ",\"trip_id\":\"t" + (i - 2) + "\",\"distance_in_kilometers\":3.2"),
        _ => ("SmokeDetected", ""),
    };
    var body = "{\"metadata\":{\"id\":\"bench-" + i + "\",\"type\":\"" + type + "\",\"schema_major_version\":2,\"occurred_at\":\"" + at +
        "\"},\"data\":{\"vehicle_id\":\"" + vehicle + "\"" + data + "}}";
    return (type, body);
}
