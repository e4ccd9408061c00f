
namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>
/// Called by the pulling agent when a message could not be delivered within
/// <c>StreamPullingAgentOptions.MaxEventDeliveryTime</c>: parks it with the reason before the agent moves on
/// (after which it is acknowledged with the rest), so that nothing accepted is lost.
/// </summary>
public sealed class RabbitMQStreamFailureHandler(Func<RabbitMQQueueAdapterReceiver?> receiver) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public async Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        if (sequenceToken is { } token && receiver() is { } current)
        {
            await current.ParkInFlightAsync(token.SequenceNumber, $"delivery to stream {streamIdentity} kept failing");
        }
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken) =>
        Task.CompletedTask;
}
