namespace FleetTwins.Abstractions.Commands;

/// <summary>
/// What a command's dispatcher is handed, and sends on as JSON (<c>{commandId, twinId, provider, providerVehicleId,
/// command, arguments, idempotencyKey, createdAt}</c>, arguments as a JSON object).
/// </summary>
public sealed record CommandDispatch(
    string CommandId, string TwinId, string Provider, string? ProviderVehicleId, string Command, string ArgumentsJson,
    string? IdempotencyKey, DateTimeOffset CreatedAt);

/// <summary>What a dispatcher's receiver answered: the provider's own id of the command, when it says.</summary>
public sealed record DispatchReceipt(string? ProviderCommandId);

/// <summary>
/// Where a twin's dispatch outbox hands commands: channels (a RabbitMQ exchange, signed webhooks, ...), each serving
/// some providers. <see cref="DispatchAsync"/> answers only once the channel durably took the command (a broker's
/// confirm, a receiver's 2xx) and throws otherwise; the outbox retries with backoff.
/// </summary>
public interface ICommandDispatcher
{
    /// <summary>Every configured channel, by name.</summary>
    IReadOnlySet<string> Channels { get; }

    /// <summary>The channels that serve <paramref name="provider"/>; none: nothing can send its commands.</summary>
    IReadOnlyList<string> ChannelsFor(string provider);

    Task<DispatchReceipt> DispatchAsync(string channel, CommandDispatch dispatch, CancellationToken cancellationToken);
}

/// <summary>The dispatcher when none is configured: no channel serves any provider.</summary>
public sealed class NoCommandDispatcher : ICommandDispatcher
{
    public IReadOnlySet<string> Channels { get; } = new HashSet<string>();

    public IReadOnlyList<string> ChannelsFor(string provider) => [];

    public Task<DispatchReceipt> DispatchAsync(string channel, CommandDispatch dispatch, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"No dispatch channel '{channel}' is configured.");
}
