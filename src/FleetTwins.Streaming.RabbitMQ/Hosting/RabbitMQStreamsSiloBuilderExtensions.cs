using FleetTwins.Abstractions.Delivery;
using FleetTwins.Streaming.RabbitMQ.Options;
using FleetTwins.Streaming.RabbitMQ.Parking;
using FleetTwins.Streaming.RabbitMQ.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace FleetTwins.Streaming.RabbitMQ.Hosting;

/// <summary>Registers a RabbitMQ persistent stream provider on a silo.</summary>
public static class RabbitMQStreamsSiloBuilderExtensions
{
    /// <summary>
    /// Adds the stream provider <paramref name="name"/>: each queue of <see cref="RabbitMQStreamOptions.Queues"/> is a
    /// partition, balanced across the silos on the consistent ring (a leaving silo's queues move to the others);
    /// <typeparamref name="TMapper"/> names each message's stream; subscribers are implicit.
    /// </summary>
    public static ISiloBuilder AddRabbitMQStreams<TMapper>(this ISiloBuilder builder, string name,
        Action<RabbitMQStreamOptions> configure, Action<StreamPullingAgentOptions>? pullingAgent = null)
        where TMapper : class, IRabbitMQStreamMapper
    {
        builder.Services.Configure(name, configure);
        builder.Services.AddKeyedSingleton<IRabbitMQStreamMapper, TMapper>(name);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<DeliveryOutages>();
        builder.Services.TryAddSingleton<IDeliveryOutages>(sp => sp.GetRequiredService<DeliveryOutages>());
        builder.Services.AddKeyedSingleton(name, (services, _) => new RabbitMQParkingLot(
            services.GetRequiredService<IOptionsMonitor<RabbitMQStreamOptions>>().Get(name),
            services.GetRequiredService<ILogger<RabbitMQParkingLot>>()));
        return builder.AddPersistentStreams(name, RabbitMQQueueAdapterFactory.Create, stream =>
        {
            stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            stream.UseConsistentRingQueueBalancer();
            stream.ConfigurePullingAgent(o => o.Configure(agent =>
            {
                agent.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20);
                pullingAgent?.Invoke(agent);
            }));
        });
    }
}
