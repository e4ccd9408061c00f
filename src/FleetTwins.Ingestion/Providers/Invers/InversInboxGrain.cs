using FleetTwins.Abstractions.Delivery;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Grains.Delivery;
using FleetTwins.Ingestion.Routing;
using FleetTwins.Ingestion.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace FleetTwins.Ingestion.Providers.Invers;

/// <summary>The inbox of one INVERS vehicle: the implicit subscriber of its AMQP stream.</summary>
[Alias("ft.ingestion.IInversInboxGrain")]
public interface IInversInboxGrain : IGrainWithStringKey;

/// <summary>
/// Receives the INVERS events of one vehicle (stream key = INVERS vehicle id), in order and already parsed, and routes
/// each to the twins like a webhook delivery. Returning from <see cref="OnNextAsync"/> lets the message be
/// acknowledged, so it returns only once every twin has applied and persisted the event; a failure makes the pulling
/// agent retry. When retries run out the message is handed back to the broker if an outage was reported meanwhile,
/// else parked.
/// </summary>
[GrainType("invers-inbox")]
[ImplicitStreamSubscription(InversParser.StreamNamespace)]
public sealed class InversInboxGrain(TwinEventRouter router, IDeliveryOutages outages, IngestionMetrics metrics, ILogger<InversInboxGrain> logger)
    : Grain, IInversInboxGrain, IStreamSubscriptionObserver, IAsyncObserver<InversDelivery>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<InversDelivery>().ResumeAsync(this);

    public async Task OnNextAsync(InversDelivery item, StreamSequenceToken? token = null)
    {
        using (logger.BeginScope("{Provider} delivery {EventId}", Sources.Invers, item.DeliveryId))
        {
            var result = await RouteAsync(item);
            logger.LogDebug("INVERS {EventType} {EventId}: {Applied} applied, {Duplicates} duplicate",
                item.EventType, item.DeliveryId, result.Applied, result.Duplicates);
        }
    }

    /// <summary>
    /// Routes the event; a failure that passes (storage or a silo down) is reported as an outage, storage that refuses
    /// writes as a refusal, then rethrown.
    /// </summary>
    private async Task<RouteResult> RouteAsync(InversDelivery item)
    {
        try
        {
            return await router.RouteMeasuredAsync(metrics, item.DeliveryId, Sources.Invers, item.Accepted);
        }
        catch (Exception e) when (StorageRefusedException.In(e) is not null)
        {
            // Storage that refuses writes until an operator acts: the message goes back to the broker, never parked as
            // poison, and the consumer pauses instead of cycling the queue through a store that refuses it.
            outages.ReportRefusal();
            throw;
        }
        catch (Exception e) when (TransientFailure.Is(e))
        {
            outages.Report();
            throw;
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
