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

    /// <summary>Body of <c>POST /api/vehicles/{id}/commands</c>.</summary>
    public sealed record SendCommandRequest(string? Command, JsonElement? Arguments, string? IdempotencyKey);

    /// <summary>A command as the API shows it (arguments as JSON, not text).</summary>
    public sealed record CommandView(
        string Id, string Command, JsonElement Arguments, CommandStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        DateTimeOffset Deadline, string? IdempotencyKey, string? ProviderCommandId, IReadOnlyList<CommandTransition> History)
    {
        public static CommandView From(VehicleCommand c)
        {
            using var arguments = JsonDocument.Parse(ArgumentsJson(c));
            return new(c.Id, c.Command, arguments.RootElement.Clone(), c.Status, c.CreatedAt, c.UpdatedAt, c.Deadline,
                c.IdempotencyKey, c.ProviderCommandId, c.History);
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

    public static IEndpointRouteBuilder MapCommandEndpoints(this IEndpointRouteBuilder routes)
    {
        var commands = routes.MapGroup("/api/vehicles/{id}/commands").WithTags("Commands");
        commands.MapPost("/", SendAsync).WithName("SendCommand")
            .WithSummary("Records a command as PENDING (202); the same idempotency key answers the same command.")
            .Produces<CommandView>(202).ProducesProblem(400).ProducesProblem(404).ProducesProblem(413)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).RequireAuthorization(ApiScopes.Command);
        commands.MapGet("/", ListAsync).WithName("ListCommands")
            .WithSummary("The vehicle's commands with their history, newest first.")
            .Produces<IEnumerable<CommandView>>().ProducesProblem(404).RequireAuthorization(ApiScopes.Read);
        commands.MapGet("/{commandId}", GetAsync).WithName("GetCommand")
            .Produces<CommandView>().ProducesProblem(404).RequireAuthorization(ApiScopes.Read);

        var chargerCommands = routes.MapGroup("/api/chargers/{id}/commands").WithTags("Commands");
        chargerCommands.MapPost("/", SendToChargerAsync).WithName("SendChargerCommand")
            .Produces<CommandView>(202).ProducesProblem(400).ProducesProblem(404).ProducesProblem(413)
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

        var name = request.Command!;
        var arguments = request.Arguments is { ValueKind: JsonValueKind.Object } a ? a.GetRawText() : "{}";
        var command = await grains.GetGrain<IVehicleTwinGrain>(id).SendCommandAsync(new CommandRequest(name, arguments, request.IdempotencyKey));
        return command is null ? NotFound(id) : TypedResults.Accepted($"/api/vehicles/{id}/commands/{command.Id}", CommandView.From(command));
    }

    private static async Task<IResult> SendToChargerAsync(string id, SendCommandRequest request, IGrainFactory grains)
    {
        if (Validate(id, request) is { } invalid)
        {
            return invalid;
        }

        var arguments = request.Arguments is { ValueKind: JsonValueKind.Object } a ? a.GetRawText() : "{}";
        var command = await grains.GetGrain<FleetTwins.Abstractions.Chargers.IChargerGrain>(id).SendCommandAsync(new CommandRequest(request.Command!, arguments, request.IdempotencyKey));
        return command is null
            ? TypedResults.Problem(statusCode: 404, title: "No such charger", detail: $"No charger twin has the id '{id}'.")
            : TypedResults.Accepted($"/api/chargers/{id}/commands", CommandView.From(command));
    }

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
