using System.Text.Json;
using FleetTwins.Abstractions.Commands;

namespace FleetTwins.Outbound.Commands;

/// <summary>One way out for commands (the exchange, one webhook receiver): its name, the providers it serves, the send.</summary>
public interface IDispatchChannel
{
    /// <summary>The name a command's history records (<c>exchange:fleettwins.commands</c>, <c>webhook:https://...</c>).</summary>
    string Name { get; }

    bool Serves(string provider);

    /// <summary>Answers once the channel durably took the command; throws otherwise.</summary>
    Task<DispatchReceipt> SendAsync(CommandDispatch dispatch, CancellationToken cancellationToken);
}

/// <summary>The body every channel sends: <c>{commandId, twinId, provider, providerVehicleId, command, arguments, idempotencyKey, createdAt}</c>.</summary>
public static class DispatchBody
{
    public static byte[] Serialize(CommandDispatch d)
    {
        using var arguments = Arguments(d.ArgumentsJson);
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            d.CommandId,
            d.TwinId,
            d.Provider,
            d.ProviderVehicleId,
            d.Command,
            Arguments = arguments.RootElement,
            d.IdempotencyKey,
            d.CreatedAt,
        }, JsonSerializerOptions.Web);
    }

    private static JsonDocument Arguments(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return JsonDocument.Parse("{}"); // stored before arguments were validated: nothing a receiver could read
        }
    }
}

/// <summary>The twins' <see cref="ICommandDispatcher"/>: the configured channels, found by name.</summary>
public sealed class ChannelDispatcher(IReadOnlyList<IDispatchChannel> channels) : ICommandDispatcher
{
    private readonly Dictionary<string, IDispatchChannel> byName = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public IReadOnlySet<string> Channels => byName.Keys.ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<string> ChannelsFor(string provider) => [.. channels.Where(c => c.Serves(provider)).Select(c => c.Name)];

    public Task<DispatchReceipt> DispatchAsync(string channel, CommandDispatch dispatch, CancellationToken cancellationToken) =>
        byName.TryGetValue(channel, out var found)
            ? found.SendAsync(dispatch, cancellationToken)
            : throw new InvalidOperationException($"No dispatch channel '{channel}' is configured.");
}
