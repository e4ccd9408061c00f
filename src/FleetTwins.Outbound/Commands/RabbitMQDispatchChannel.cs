using FleetTwins.Abstractions.Commands;
using FleetTwins.Amqp;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FleetTwins.Outbound.Commands;

/// <summary>
/// Publishes commands to a durable topic exchange (<c>Commands:Dispatch:Exchange</c>, default <c>fleettwins.commands</c>),
/// routing key <c>&lt;provider&gt;.&lt;COMMAND&gt;</c>, persistent JSON with the command id as message id, confirmed by the
/// broker and mandatory: a command no queue is bound for is returned, and counts as not taken (the outbox retries).
/// </summary>
public sealed class RabbitMQDispatchChannel(string connectionString, string exchange) : IDispatchChannel, IAsyncDisposable
{
    private readonly ConfirmedPublisher publisher = new(connectionString, "fleettwins-commands",
        (channel, cancellationToken) => channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken));

    public string Name => $"exchange:{exchange}";

    public bool Serves(string provider) => true;

    public async Task<DispatchReceipt> SendAsync(CommandDispatch dispatch, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            MessageId = dispatch.CommandId,
            Type = dispatch.Command,
            ContentType = "application/json",
            Timestamp = new AmqpTimestamp(dispatch.CreatedAt.ToUnixTimeSeconds()),
        };
        var body = DispatchBody.Serialize(dispatch);
        try
        {
            await publisher.PublishAsync(channel => channel.BasicPublishAsync(exchange, $"{dispatch.Provider}.{dispatch.Command}", mandatory: true,
                properties, body, cancellationToken).AsTask(), cancellationToken);
        }
        catch (PublishReturnException e)
        {
            throw new InvalidOperationException($"no queue is bound to {exchange} for {e.RoutingKey} ({e.ReplyText})", e);
        }

        return new DispatchReceipt(null);
    }

    public ValueTask DisposeAsync() => publisher.DisposeAsync();
}
