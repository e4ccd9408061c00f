// amqp-drain bare <uri> <queue> <count>   the floor of the AMQP benchmark: consumes and acknowledges <count>
//                                          messages with nothing else; prints the rate. (The simulator fills queues.)
using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: bare <uri> <queue> <count>");
    return 2;
}

var factory = new ConnectionFactory { Uri = new Uri(args[1]) };
await using var connection = await factory.CreateConnectionAsync();
var queue = args[2];
var count = int.Parse(args[3]);

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
