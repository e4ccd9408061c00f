namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>
/// Called by the pulling agent when a message could not be delivered within
/// <c>StreamPullingAgentOptions.MaxEventDeliveryTime</c>, before the agent moves on (after which it is acknowledged
/// with the rest). If the subscribers reported an outage in that time, the message is handed back to the broker and
/// comes again, so that a storage outage longer than the delivery time parks nothing; after a refusal (storage that
/// refuses until an operator acts) the consumer also pauses. Otherwise it is poison and is parked with the reason.
/// Either way nothing accepted is lost.
/// </summary>
public sealed class RabbitMQStreamFailureHandler(Func<RabbitMQQueueAdapterReceiver?> receiver, DeliveryOutages outages, TimeSpan deliveryTime)
    : IStreamFailureHandler
{
    // The agent retries with a back-off between attempts; an outage reported just before the first attempt counts.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(30);

    public bool ShouldFaultSubsriptionOnError => false;

    public async Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        if (sequenceToken is not { } token || receiver() is not { } current)
        {
            return;
        }

        if (outages.RefusedWithin(deliveryTime + Slack))
        {
            await current.HandBackInFlightAsync(token.SequenceNumber, $"delivery to stream {streamIdentity} refused by storage");
            current.PauseForRefusal();
        }
        else if (outages.ReportedWithin(deliveryTime + Slack))
        {
            await current.HandBackInFlightAsync(token.SequenceNumber, $"delivery to stream {streamIdentity} failed during an outage");
        }
        else
        {
            await current.ParkInFlightAsync(token.SequenceNumber, $"delivery to stream {streamIdentity} kept failing");
        }
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken) =>
        Task.CompletedTask;
}
