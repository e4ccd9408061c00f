using FleetTwins.Amqp;
using FleetTwins.Host.Settings;
using FleetTwins.Ingestion.Telemetry;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FleetTwins.Host.Amqp;

/// <summary>
/// Polls the broker for the messages ready in each INVERS queue and its parking queue (the consumer lag, and what
/// waits for an operator) every <see cref="Period"/>, for <c>fleettwins_amqp_queue_ready</c>. One connection, a
/// passive declare per queue; a failed poll is retried on the next tick.
/// </summary>
public sealed class AmqpQueueDepth(IConfiguration configuration, IngestionMetrics metrics, ILogger<AmqpQueueDepth> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var invers = AmqpIngestion.Options(configuration);
        string[] queues = [.. invers.Queues, invers.ParkingQueue];
        using var timer = new PeriodicTimer(Period);
        IConnection? connection = null;
        try
        {
            do
            {
                try
                {
                    connection ??= await AmqpConnectionFactory.For(configuration.GetRabbitMQConnectionString(), "fleettwins-queue-depth")
                        .CreateConnectionAsync(stoppingToken);
                    foreach (var queue in queues)
                    {
                        // A channel per queue: asking after a queue that does not exist (yet) closes the channel.
                        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
                        try
                        {
                            metrics.QueueReady(queue, (await channel.QueueDeclarePassiveAsync(queue, stoppingToken)).MessageCount);
                        }
                        catch (OperationInterruptedException)
                        {
                            // Not declared yet: the next tick asks again.
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogDebug(e, "Polling AMQP queue depths failed");
                    if (connection is { IsOpen: false })
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
