using FleetTwins.Events;
using FleetTwins.Grains.Delivery;
using FleetTwins.Grains.Telemetry;
using FleetTwins.Parsing;
using FleetTwins.Providers.Invers;
using FleetTwins.Routing;
using FleetTwins.Streaming.RabbitMQ.Streams;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace FleetTwins.Grains.Ingestion;

/// <summary>The inbox of one INVERS vehicle: the implicit subscriber of its AMQP stream.</summary>
public interface IInversInboxGrain : IGrainWithStringKey;

/// <summary>Reading an INVERS event from an AMQP message: its body, with the message's properties to check against.</summary>
public static class InversMessages
{
    public static InversParse Parse(RabbitMQMessage message) => InversParser.Parse(message.Body,
        new InversMessageProperties(message.MessageId, message.Type, message.Headers.GetValueOrDefault("schema_major_version")));
}

/// <summary>
/// Receives the INVERS events of one vehicle (stream key = INVERS vehicle id), in order, and routes each to the
/// twins like a webhook delivery. Returning from <see cref="OnNextAsync"/> lets the message be acknowledged, so it
/// returns only once every twin has applied and persisted the event; a failure makes the pulling agent retry. When
/// retries run out the message is handed back to the broker if an outage was reported meanwhile, else parked.
/// </summary>
[GrainType("invers-inbox")]
[ImplicitStreamSubscription(InversParser.StreamNamespace)]
public sealed class InversInboxGrain(TwinEventRouter router, DeliveryOutages outages, FleetTwinsMetrics metrics, ILogger<InversInboxGrain> logger)
    : Grain, IInversInboxGrain, IStreamSubscriptionObserver, IAsyncObserver<RabbitMQMessage>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RabbitMQMessage>().ResumeAsync(this);

    public async Task OnNextAsync(RabbitMQMessage item, StreamSequenceToken? token = null)
    {
        var parsed = InversMessages.Parse(item);
        switch (parsed.Outcome)
        {
            case ParseOutcome.Accepted accepted:
                using (logger.BeginScope("{Provider} delivery {EventId}", Sources.Invers, parsed.DeliveryId!))
                {
                    var result = await RouteAsync(parsed.DeliveryId!, accepted);
                    logger.LogDebug("INVERS {EventType} {EventId}: {Applied} applied, {Duplicates} duplicate",
                        accepted.EventType, parsed.DeliveryId, result.Applied, result.Duplicates);
                }

                break;
            case ParseOutcome.Invalid invalid:
                // The stream mapper parks invalid messages before they get here; reaching this is a bug worth parking.
                throw new InvalidOperationException($"INVERS message {item.MessageId} is invalid: {invalid.Reason}");
        }
    }

    /// <summary>Routes the event; a failure that passes (storage or a silo down) is reported as an outage, then rethrown.</summary>
    private async Task<RouteResult> RouteAsync(string deliveryId, ParseOutcome.Accepted accepted)
    {
        try
        {
            return await router.RouteMeasuredAsync(metrics, Sources.Invers, deliveryId, accepted);
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
