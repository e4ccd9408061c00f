using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.RegularExpressions;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Vehicles;
using Microsoft.AspNetCore.Mvc;

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
        var commands = routes.MapGroup("/api/vehicles/{id}/commands").WithTags("Commands");
        commands.MapPost("/", SendAsync).WithName("SendCommand")
            .WithSummary("Records a command as PENDING (202) and dispatches it to the provider serving the vehicle; the same idempotency key answers the same command (409 with other arguments).")
            .Produces<CommandView>(202).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).RequireAuthorization(ApiScopes.Command);
        commands.MapGet("/", ListAsync).WithName("ListCommands")
            .WithSummary("The vehicle's commands with their history, newest first.")
            .Produces<IEnumerable<CommandView>>().ProducesProblem(404).RequireAuthorization(ApiScopes.Read);
        commands.MapGet("/{commandId}", GetAsync).WithName("GetCommand")
            .Produces<CommandView>().ProducesProblem(404).RequireAuthorization(ApiScopes.Read);

        var chargerCommands = routes.MapGroup("/api/chargers/{id}/commands").WithTags("Commands");
        chargerCommands.MapPost("/", SendToChargerAsync).WithName("SendChargerCommand")
            .Produces<CommandView>(202).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).RequireAuthorization(ApiScopes.Command);
        chargerCommands.MapGet("/", ListChargerAsync).WithName("ListChargerCommands")
            .Produces<IEnumerable<CommandView>>().ProducesProblem(404).RequireAuthorization(ApiScopes.Read);
        return routes;
    }

    private static async Task<IResult> SendAsync(string id, SendCommandRequest request, IGrainFactory grains)
    {
        if (Validate(id, request) is { } invalid)
        {
            return invalid;
        }

        var asked = Asked(request);
        var command = await grains.GetGrain<IVehicleTwinGrain>(id).SendCommandAsync(asked);
        return command is null ? NotFound(id) : Answer(command, asked, $"/api/vehicles/{id}/commands/{command.Id}");
    }

    private static async Task<IResult> SendToChargerAsync(string id, SendCommandRequest request, IGrainFactory grains)
    {
        if (Validate(id, request) is { } invalid)
        {
            return invalid;
        }

        var asked = Asked(request);
        var command = await grains.GetGrain<FleetTwins.Abstractions.Chargers.IChargerGrain>(id).SendCommandAsync(asked);
        return command is null
            ? TypedResults.Problem(statusCode: 404, title: "No such charger", detail: $"No charger twin has the id '{id}'.")
            : Answer(command, asked, $"/api/chargers/{id}/commands");
    }

    private static CommandRequest Asked(SendCommandRequest request) =>
        new(request.Command!, request.Arguments is { ValueKind: JsonValueKind.Object } a ? a.GetRawText() : "{}", request.IdempotencyKey, request.Provider);

    /// <summary>202 with the command; 409 when the idempotency key found a command that asked for something else.</summary>
    private static IResult Answer(VehicleCommand command, CommandRequest asked, string location) => command.Answers(asked)
        ? TypedResults.Accepted(location, CommandView.From(command))
        : TypedResults.Problem(statusCode: 409, title: "Idempotency key reused", detail: IdempotencyConflict(command));

    private static async Task<IResult> ListChargerAsync(string id, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return Invalid("Invalid twin id", "A twin id is letters, digits or '-', '_', '.', ':'.");
        }

        var charger = grains.GetGrain<FleetTwins.Abstractions.Chargers.IChargerGrain>(id);
        return await charger.GetAsync() is null
            ? TypedResults.Problem(statusCode: 404, title: "No such charger", detail: $"No charger twin has the id '{id}'.")
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
            if (System.Text.Encoding.UTF8.GetByteCount(arguments.GetRawText()) > MaxArgumentsBytes)
            {
                return ("Invalid arguments", $"arguments must be at most {MaxArgumentsBytes} bytes of JSON.");
            }

            if (StrictJson.Problem(arguments, "arguments") is { } problem)
            {
                return ("Invalid arguments", $"{problem}.");
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

    private static IResult? Validate(string id, SendCommandRequest request) =>
        Problem(id, request) is var (title, detail) ? Invalid(title, detail) : null;

    private static async Task<IResult> ListAsync(string id, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return Invalid("Invalid twin id", "A twin id is letters, digits or '-', '_', '.', ':'.");
        }

        var vehicle = grains.GetGrain<IVehicleTwinGrain>(id);
        return await vehicle.GetAsync() is null
            ? NotFound(id)
            : TypedResults.Ok((await vehicle.GetCommandsAsync()).Select(CommandView.From));
    }

    private static async Task<IResult> GetAsync(string id, string commandId, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return Invalid("Invalid twin id", "A twin id is letters, digits or '-', '_', '.', ':'.");
        }

        var command = (await grains.GetGrain<IVehicleTwinGrain>(id).GetCommandsAsync()).FirstOrDefault(c => c.Id == commandId);
        return command is null
            ? TypedResults.Problem(statusCode: 404, title: "No such command", detail: $"Vehicle '{id}' has no command '{commandId}'.")
            : TypedResults.Ok(CommandView.From(command));
    }

    private static IResult Invalid(string title, string detail) => TypedResults.Problem(statusCode: 400, title: title, detail: detail);

    private static IResult NotFound(string id) => TypedResults.Problem(statusCode: 404, title: "No such vehicle", detail: $"No vehicle twin has the id '{id}'.");
}
