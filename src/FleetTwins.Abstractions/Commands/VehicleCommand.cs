using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FleetTwins.Abstractions.Commands;

/// <summary>Where a command is in its lifecycle: PENDING → EXECUTED → CONFIRMED, or FAILED, TIMED_OUT, SUPERSEDED.</summary>
[GenerateSerializer]
public enum CommandStatus
{
    PENDING,
    EXECUTED,
    CONFIRMED,
    FAILED,
    TIMED_OUT,
    SUPERSEDED,
}

/// <summary>
/// One step of a command's history: a move to <see cref="Status"/>, or (same status) what happened on the way — its
/// dispatch (<c>dispatched</c>, with the channel and the attempt that succeeded, or <c>not dispatched: ...</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.CommandTransition")]
public sealed record CommandTransition(
    [property: Id(0)] CommandStatus Status,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string? Reason,
    [property: Id(3)] string Source)
{
    /// <summary>The dispatcher that took the command (<c>exchange:fleettwins.commands</c>, <c>webhook:https://...</c>).</summary>
    [Id(4)] public string? Channel { get; init; }

    /// <summary>Which attempt of that channel succeeded (1: the first).</summary>
    [Id(5)] public int? Attempt { get; init; }
}

/// <summary>A command sent to a vehicle, with its whole history.</summary>
[GenerateSerializer, Immutable, Alias("ft.VehicleCommand")]
public sealed record VehicleCommand
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Command { get; init; }

    /// <summary>The caller's arguments as a JSON object text (e.g. <c>{"limit": 80}</c>).</summary>
    [Id(2)] public string ArgumentsJson { get; init; } = "{}";
    [Id(3)] public CommandStatus Status { get; init; }
    [Id(4)] public DateTimeOffset CreatedAt { get; init; }
    [Id(5)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(6)] public DateTimeOffset Deadline { get; init; }
    [Id(7)] public string? IdempotencyKey { get; init; }
    [Id(8)] public string? ProviderCommandId { get; init; }
    [Id(9)] public IReadOnlyList<CommandTransition> History { get; init; } = [];

    /// <summary>The provider the command is for: the one serving the vehicle when it was sent, or the one named in the request.</summary>
    [Id(10)] public string? Provider { get; init; }

    /// <summary>Set on a provider's own command, one not sent through FleetTwins but seen in that provider's reports.</summary>
    [Id(11)] public string? ReportedBy { get; init; }

    /// <summary>What was asked (<see cref="CommandRequest.Fingerprint"/>): a reused idempotency key must ask the same.</summary>
    [Id(12)] public string? RequestFingerprint { get; init; }

    /// <summary>
    /// Whether this command, found by <paramref name="request"/>'s idempotency key, is what the request asks for; one stored
    /// before requests were fingerprinted is taken to be.
    /// </summary>
    public bool Answers(CommandRequest request) => RequestFingerprint is null || RequestFingerprint == request.Fingerprint();

    /// <summary>CONFIRMED, FAILED, TIMED_OUT and SUPERSEDED are final: nothing moves a command on from them.</summary>
    public bool IsFinal => Status is CommandStatus.CONFIRMED or CommandStatus.FAILED or CommandStatus.TIMED_OUT or CommandStatus.SUPERSEDED;
}

/// <summary>
/// What a caller asks for: the command (an open set, upper snake case), its arguments, an idempotency key, and the
/// provider to send it through (null: the one serving the vehicle).
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.CommandRequest")]
public sealed record CommandRequest(
    [property: Id(0)] string Command,
    [property: Id(1)] string ArgumentsJson,
    [property: Id(2)] string? IdempotencyKey,
    [property: Id(3)] string? Provider = null)
{
    /// <summary>
    /// A digest of what is asked — command, provider and arguments, the arguments compared as JSON values (member order
    /// and number spelling aside), so a retry with the same request matches whatever its formatting.
    /// </summary>
    public string Fingerprint()
    {
        var text = new StringBuilder().Append(Command).Append('\n').Append(Provider).Append('\n');
        try
        {
            using var arguments = JsonDocument.Parse(ArgumentsJson);
            Canonical(arguments.RootElement, text);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            text.Append(ArgumentsJson); // not valid JSON, or text no answer could carry (refused at the API): as it is
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    private static void Canonical(JsonElement value, StringBuilder text)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                foreach (var property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    text.Append(JsonSerializer.Serialize(property.Name)).Append(':');
                    Canonical(property.Value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                foreach (var item in value.EnumerateArray())
                {
                    Canonical(item, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            case JsonValueKind.Number:
                text.Append(value.TryGetDecimal(out var number) ? (number / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture) : value.GetRawText());
                break;
            case JsonValueKind.String:
                text.Append(JsonSerializer.Serialize(value.GetString()));
                break;
            default:
                text.Append(value.GetRawText());
                break;
        }
    }
}
