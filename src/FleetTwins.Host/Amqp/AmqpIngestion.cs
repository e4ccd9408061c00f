using FleetTwins.Amqp;
using FleetTwins.Host.Settings;
using FleetTwins.Ingestion.Options;
using FleetTwins.Streaming.RabbitMQ.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FleetTwins.Host.Amqp;

/// <summary>INVERS OneAPI over AMQP, on when <c>Ingestion__Invers__Queues__N</c> names at least one queue.</summary>
public static class AmqpIngestion
{
    /// <summary>The stream provider's name, under which its parking lot is registered.</summary>
    public const string ProviderName = "invers";

    public static bool IsEnabled(IConfiguration configuration) => Options(configuration).Queues.Count > 0;

    /// <summary>Adds the RabbitMQ stream provider for the configured INVERS queues to the silo.</summary>
    public static ISiloBuilder AddInversStreams(this ISiloBuilder silo, IConfiguration configuration)
    {
        var invers = Options(configuration);
        if (invers.Queues.Count == 0)
        {
            return silo;
        }

        var connectionString = configuration.GetRabbitMQConnectionString();
        silo.Services.AddHostedService<AmqpQueueDepth>();
        silo.AddRabbitMQStreams<InversStreamMapper>(ProviderName, o =>
        {
            o.ConnectionString = connectionString;
            o.Queues = [.. invers.Queues];
            o.PrefetchCount = invers.PrefetchCount;
            o.CacheSize = invers.CacheSize;
            o.ParkingQueue = invers.ParkingQueue;
            o.RefusalPause = invers.RefusalPause;
        }, agent => agent.MaxEventDeliveryTime = invers.MaxDeliveryTime);
        return silo;
    }

    /// <summary>Readiness includes the broker when AMQP ingestion is on.</summary>
    public static IHealthChecksBuilder AddBrokerCheck(this IHealthChecksBuilder checks, IConfiguration configuration, string tag) =>
        IsEnabled(configuration) ? checks.AddCheck<BrokerReachableCheck>("rabbitmq", tags: [tag]) : checks;

    internal static InversOptions Options(IConfiguration configuration) =>
        configuration.GetSection($"{IngestionOptions.Section}:Invers").Get<InversOptions>() ?? new InversOptions();

    /// <summary>Healthy when a connection to the broker opens within two seconds.</summary>
    private sealed class BrokerReachableCheck(IConfiguration configuration) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                await using var connection = await AmqpConnectionFactory.For(configuration.GetRabbitMQConnectionString(), "fleettwins-health")
                    .CreateConnectionAsync(timeout.Token);
                return HealthCheckResult.Healthy("rabbitmq answers");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("rabbitmq is unreachable", e);
            }
        }
    }
}
