using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FleetTwins.Abstractions.Chargers;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Host.Api.Conventions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetTwins.Host.Api;

/// <summary><c>/api/vehicles/{id}/commands</c>: send a command and follow its lifecycle.</summary>
public static partial class CommandEndpoints
{
    /// <summary>Largest <c>arguments</c> object accepted, as JSON text (400 beyond).</summary>
    public const int MaxArgumentsBytes = 16 * 1024;

    /// <summary>Largest command request body read (413 beyond): the arguments and room for the rest.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// Body of <c>POST /api/vehicles/{id}/commands</c>; <c>provider</c> names the provider to dispatch through (default:
    /// the one serving the vehicle, the source of its newest reading).
    /// </summary>
    public sealed record SendCommandRequest([property: Required] string? Command, JsonElement? Arguments, string? IdempotencyKey, string? Provider = null);

    /// <summary>
    /// A command as the API shows it (arguments as JSON, not text); <c>reportedBy</c> marks a provider's own command, seen
    /// only in its reports (no deadline of ours).
    /// </summary>
    public sealed record CommandView(
        string Id, string Command, JsonElement Arguments, CommandStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        DateTimeOffset? Deadline, string? IdempotencyKey, string? ProviderCommandId, string? Provider, string? ReportedBy,
        IReadOnlyList<CommandTransition> History)
    {
        public static CommandView From(VehicleCommand c)
        {
            using var arguments = JsonDocument.Parse(ArgumentsJson(c));
            return new(c.Id, c.Command, arguments.RootElement.Clone(), c.Status, c.CreatedAt, c.UpdatedAt, c.ReportedBy is null ? c.Deadline : null,
                c.IdempotencyKey, c.ProviderCommandId, c.Provider, c.ReportedBy, c.History);
        }

        /// <summary>
        /// The command's arguments as JSON text that can be written out: arguments stored before they were validated
        /// (an unpaired surrogate, which no answer can carry) show as <c>{}</c> rather than failing every list of commands.
        /// </summary>
        public static string ArgumentsJson(VehicleCommand c)
        {
            try
            {
                using var arguments = JsonDocument.Parse(c.ArgumentsJson);
                return StrictJson.Problem(arguments.RootElement, "arguments") is null ? c.ArgumentsJson : "{}";
            }
            catch (JsonException)
            {
                return "{}";
            }
        }
    }

    [GeneratedRegex("^[A-Z][A-Z0-9_]{0,63}$")]
    private static partial Regex CommandName();

    /// <summary>A provider name as the routing key <c>&lt;provider&gt;.&lt;COMMAND&gt;</c> carries it.</summary>
    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex ProviderName();

    /// <summary>Why a reused idempotency key is refused (409): it answers a command that asked for something else.</summary>
    public static string IdempotencyConflict(VehicleCommand existing) =>
        $"The idempotency key '{existing.IdempotencyKey}' was used for command {existing.Id} ({existing.Command}) with other arguments or provider; use a new key for a new request.";

    public static IEndpointRouteBuilder MapCommandEndpoints(this IEndpointRouteBuilder routes)
    {
        var commands = routes.MapApiGroup("/api/vehicles/{id}/commands", "Commands");
        commands.MapPost("/", SendAsync).WithName("SendCommand").RequireAuthorization(ApiScopes.Command).WithBodyLimit(MaxBodyBytes)
            .WithSummary("Records a command as PENDING (202) and dispatches it to the provider serving the vehicle; the same idempotency key answers the same command (409 with other arguments).");
        commands.MapGet("/", ListAsync).WithName("ListCommands").RequireAuthorization(ApiScopes.Read)
            .WithSummary("The vehicle's commands with their history, newest first.");
        commands.MapGet("/{commandId}", GetAsync).WithName("GetCommand").RequireAuthorization(ApiScopes.Read);

        var chargerCommands = routes.MapApiGroup("/api/chargers/{id}/commands", "Commands");
        chargerCommands.MapPost("/", SendToChargerAsync).WithName("SendChargerCommand").RequireAuthorization(ApiScopes.Command).WithBodyLimit(MaxBodyBytes);
        chargerCommands.MapGet("/", ListChargerAsync).WithName("ListChargerCommands").RequireAuthorization(ApiScopes.Read);
        return routes;
    }

    private static async Task<Results<Accepted<CommandView>, BadRequestProblem, NotFoundProblem, ConflictProblem>> SendAsync(string id,
        SendCommandRequest request, IGrainFactory grains, CommandProviders providers)
    {
        if (Validate(id, request) is { } invalid)
        {
            return invalid;
        }

        if (UnknownProvider(request, providers) is { } unknown)
        {
            return unknown;
        }

        var asked = Asked(request);
        var command = await grains.GetGrain<IVehicleTwinGrain>(id).SendCommandAsync(asked);
        return command is null ? NotFound(id) : Answer(command, asked, $"/api/vehicles/{id}/commands/{command.Id}");
    }

    private static async Task<Results<Accepted<CommandView>, BadRequestProblem, NotFoundProblem, ConflictProblem>> SendToChargerAsync(string id,
        SendCommandRequest request, IGrainFactory grains, CommandProviders providers)
    {
        if (Validate(id, request) is { } invalid)
        {
            return invalid;
        }

        if (UnknownProvider(request, providers) is { } unknown)
        {
            return unknown;
        }

        var asked = Asked(request);
        var command = await grains.GetGrain<IChargerGrain>(id).SendCommandAsync(asked);
        return command is null ? NoSuchCharger(id) : Answer(command, asked, $"/api/chargers/{id}/commands");
    }

    private static CommandRequest Asked(SendCommandRequest request) =>
        new(request.Command!, request.Arguments is { ValueKind: JsonValueKind.Object } a ? a.GetRawText() : "{}", request.IdempotencyKey, request.Provider);

    /// <summary>202 with the command; 409 when the idempotency key found a command that asked for something else.</summary>
    private static Results<Accepted<CommandView>, BadRequestProblem, NotFoundProblem, ConflictProblem> Answer(VehicleCommand command,
        CommandRequest asked, string location) => command.Answers(asked)
        ? TypedResults.Accepted(location, CommandView.From(command))
        : new ConflictProblem("Idempotency key reused", IdempotencyConflict(command));

    private static async Task<Results<Ok<IEnumerable<CommandView>>, BadRequestProblem, NotFoundProblem>> ListChargerAsync(string id, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId();
        }

        var charger = grains.GetGrain<IChargerGrain>(id);
        return await charger.GetAsync() is null
            ? NoSuchCharger(id)
            : TypedResults.Ok((await charger.GetCommandsAsync()).Select(CommandView.From));
    }

    /// <summary>The checks every command request passes, whatever it is sent to and over which API: a problem, or null.</summary>
    public static (string Title, string Detail)? Problem(string id, SendCommandRequest request)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return ("Invalid twin id", $"A twin id is 1 to {VehicleIds.MaxLength} letters, digits or '-', '_', '.', ':'.");
        }

        if (request.Command is not { } name || !CommandName().IsMatch(name))
        {
            return ("Invalid command", "command is required: 1 to 64 capital letters, digits and '_', starting with a letter (e.g. START_CHARGING).");
        }

        if (request.Arguments is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            return ("Invalid arguments", "arguments must be a JSON object.");
        }

        if (request.Arguments is { ValueKind: JsonValueKind.Object } arguments)
        {
            if (Encoding.UTF8.GetByteCount(arguments.GetRawText()) > MaxArgumentsBytes)
            {
                return ("Invalid arguments", $"arguments must be at most {MaxArgumentsBytes} bytes of JSON.");
            }

            if (StrictJson.Problem(arguments, "arguments") is { } problem)
            {
                return ("Invalid arguments", $"{problem}.");
            }

            if (Unrepresentable(arguments, "arguments") is { } number)
            {
                return ("Invalid arguments", $"{number} is not a finite number.");
            }
        }

        if (request.Provider is { } provider && !ProviderName().IsMatch(provider))
        {
            return ("Invalid provider", "provider must be 1 to 32 lower-case letters, digits or '-', starting with a letter (e.g. volteras).");
        }

        return request.IdempotencyKey is { Length: 0 or > 200 } || (request.IdempotencyKey is { } key && StrictJson.HasControl(key))
            ? ("Invalid idempotency key", "idempotencyKey must be 1 to 200 characters, none of them control characters.")
            : null;
    }

    /// <summary>The path of the first number no double holds (1e999): stored, it could be neither dispatched nor shown over gRPC.</summary>
    private static string? Unrepresentable(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetDouble(out var number) && double.IsFinite(number) ? null : path,
        JsonValueKind.Object => value.EnumerateObject().Select(p => Unrepresentable(p.Value, $"{path}.{p.Name}")).FirstOrDefault(p => p is not null),
        JsonValueKind.Array => value.EnumerateArray().Select((item, i) => Unrepresentable(item, $"{path}[{i}]")).FirstOrDefault(p => p is not null),
        _ => null,
    };

    private static BadRequestProblem? Validate(string id, SendCommandRequest request) =>
        Problem(id, request) is var (title, detail) ? new BadRequestProblem(title, detail) : null;

    private static NotFoundProblem? UnknownProvider(SendCommandRequest request, CommandProviders providers) =>
        request.Provider is { } provider && !providers.IsKnown(provider) ? new NotFoundProblem("No such provider", providers.Unknown(provider)) : null;

    private static async Task<Results<Ok<IEnumerable<CommandView>>, BadRequestProblem, NotFoundProblem>> ListAsync(string id, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId();
        }

        var vehicle = grains.GetGrain<IVehicleTwinGrain>(id);
        return await vehicle.GetAsync() is null
            ? NotFound(id)
            : TypedResults.Ok((await vehicle.GetCommandsAsync()).Select(CommandView.From));
    }

    private static async Task<Results<Ok<CommandView>, BadRequestProblem, NotFoundProblem>> GetAsync(string id, string commandId, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId();
        }

        var command = (await grains.GetGrain<IVehicleTwinGrain>(id).GetCommandsAsync()).FirstOrDefault(c => c.Id == commandId);
        return command is null
            ? new NotFoundProblem("No such command", $"Vehicle '{id}' has no command '{commandId}'.")
            : TypedResults.Ok(CommandView.From(command));
    }

    private static BadRequestProblem InvalidId() => new("Invalid twin id", "A twin id is letters, digits or '-', '_', '.', ':'.");

    private static NotFoundProblem NotFound(string id) => new("No such vehicle", $"No vehicle twin has the id '{id}'.");

    private static NotFoundProblem NoSuchCharger(string id) => new("No such charger", $"No charger twin has the id '{id}'.");
}
