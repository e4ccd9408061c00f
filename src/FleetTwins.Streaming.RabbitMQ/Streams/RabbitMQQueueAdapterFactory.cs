using FleetTwins.Streaming.RabbitMQ.Options;
using FleetTwins.Streaming.RabbitMQ.Parking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;

namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>Creates the adapter, the cache, the queue mapper and the failure handlers of one RabbitMQ stream provider.</summary>
public sealed class RabbitMQQueueAdapterFactory : IQueueAdapterFactory
{
    private readonly RabbitMQQueueAdapter adapter;
    private readonly RabbitMQQueueMapper mapper;
    private readonly SimpleQueueAdapterCache cache;
    private readonly DeliveryOutages outages;
    private readonly TimeSpan deliveryTime;

    public RabbitMQQueueAdapterFactory(string name, RabbitMQStreamOptions options, IRabbitMQStreamMapper streamMapper,
        RabbitMQParkingLot parking, DeliveryOutages outages, StreamPullingAgentOptions agent, ILoggerFactory loggers)
    {
        this.outages = outages;
        deliveryTime = agent.MaxEventDeliveryTime;
        mapper = new RabbitMQQueueMapper(options.Queues);
        cache = new SimpleQueueAdapterCache(new SimpleQueueCacheOptions { CacheSize = options.CacheSize }, name, loggers);
        adapter = new RabbitMQQueueAdapter(name, options, mapper, streamMapper, parking, loggers);
    }

    /// <summary>For <c>AddPersistentStreams</c>: the named options, mapper and parking lot from the container.</summary>
    public static IQueueAdapterFactory Create(IServiceProvider services, string name) => new RabbitMQQueueAdapterFactory(
        name,
        services.GetRequiredService<IOptionsMonitor<RabbitMQStreamOptions>>().Get(name),
        services.GetRequiredKeyedService<IRabbitMQStreamMapper>(name),
        services.GetRequiredKeyedService<RabbitMQParkingLot>(name),
        services.GetRequiredService<DeliveryOutages>(),
        services.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(name),
        services.GetRequiredService<ILoggerFactory>());

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(adapter);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) => Task.FromResult<IQueueAdapter>(adapter);

    public IQueueAdapterCache GetQueueAdapterCache() => cache;

    public IStreamQueueMapper GetStreamQueueMapper() => mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new RabbitMQStreamFailureHandler(() =>
        {
            lock (adapter.Receivers)
            {
                return adapter.Receivers.GetValueOrDefault(queueId);
            }
        }, outages, deliveryTime));
}
