using System.ComponentModel.DataAnnotations;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Identity;

namespace FleetTwins.Host.Api;

/// <summary><c>/api/vehicles</c>: read, register and steer vehicle twins.</summary>
public static class VehicleEndpoints
{
    /// <summary>Body of <c>PUT /api/vehicles/{id}</c>: the VIN and provider aliases the operator binds to the twin.</summary>
    public sealed record RegisterVehicleRequest(string? Vin, IReadOnlyList<string?>? Aliases);

    /// <summary>Body of <c>POST /api/vehicles/{id}/aliases</c>.</summary>
    public sealed record LinkAliasRequest([property: Required] string? Alias);

    /// <summary>Body of <c>PUT /api/vehicles/{id}/charging-target</c>.</summary>
    public sealed record ChargingTargetRequest([property: Required] double? TargetSoc);

    public static IEndpointRouteBuilder MapVehicleEndpoints(this IEndpointRouteBuilder routes)
    {
        var vehicles = routes.MapGroup("/api/vehicles").WithTags("Vehicles");
        vehicles.MapGet("/{id}", GetAsync).WithName("GetVehicle")
            .WithSummary("The vehicle twin (with asOf=<time>: as it was then, rebuilt from its journal); ETag / If-None-Match for conditional reads.")
            .Produces<VehicleTwin>().Produces(304).ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Read);
        vehicles.MapPut("/{id}", RegisterAsync).WithName("RegisterVehicle")
            .WithSummary("Registers a vehicle twin (created when new) and binds its VIN and aliases; 409 names the twin holding one.")
            .Produces<VehicleTwin>().ProducesProblem(400).ProducesProblem(409).RequireAuthorization(ApiScopes.Admin);
        vehicles.MapPost("/{id}/aliases", LinkAliasAsync).WithName("LinkAlias")
            .WithSummary("Binds an alias (imei:, invers:, volteras:, telematica:, vin:) to the twin; the twin holding it is merged in, 409 on a VIN conflict.")
            .Produces<VehicleTwin>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).RequireAuthorization(ApiScopes.Admin);
        vehicles.MapDelete("/{id}/aliases/{alias}", UnlinkAliasAsync).WithName("UnlinkAlias")
            .WithSummary("Unbinds an alias from the twin: the next delivery naming it starts a new twin.")
            .Produces<VehicleTwin>().ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Admin);
        vehicles.MapPost("/registry", ImportRegistryAsync).WithName("ImportRegistry")
            .WithSummary($"Registers up to 10,000 vehicles ({{id, vin, aliases}} rows) as PUT /api/vehicles/{{id}} does; idempotent; a result per row.")
            .Produces<VehicleRegistrations.RegistryResult>().ProducesProblem(400).RequireAuthorization(ApiScopes.Admin);
        vehicles.MapPut("/{id}/charging-target", SetChargingTargetAsync).WithName("SetChargingTarget")
            .WithSummary("Sets the target SOC that drives the target-soc-reached notification.")
            .Produces<VehicleTwin>().ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Command);
        vehicles.MapGet("/{id}/notifications", GetNotificationsAsync).WithName("GetVehicleNotifications")
            .WithSummary("The twin's latest 100 derived notifications, newest first; with from/to/limit/cursor, those of a window from its history, oldest first, paged.")
            .Produces<IEnumerable<NotificationView>>().ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Read);
        vehicles.MapPut("/{id}/notification-thresholds", SetThresholdsAsync).WithName("SetNotificationThresholds")
            .WithSummary("This vehicle's overrides of the fleet's notification thresholds.")
            .Produces<VehicleTwin>().ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Command);
        return routes;
    }

    private static async Task<IResult> GetAsync(string id, string? asOf, HttpContext context, IGrainFactory grains, TimeProvider clock)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        if (asOf is not null)
        {
            return await History.HistoryEndpoints.GetAsOfAsync(id, asOf, context, grains, clock);
        }

        var twin = await grains.GetGrain<IVehicleTwinGrain>(id).GetAsync();
        return twin is null ? NotFound(id) : ConditionalGet.Serve(context, twin);
    }

    private static async Task<IResult> RegisterAsync(string id, RegisterVehicleRequest request, IGrainFactory grains, AliasLookup aliases)
    {
        var (registration, error) = VehicleRegistrations.Validate(id, request.Vin, request.Aliases);
        return registration is null
            ? TypedResults.Problem(statusCode: 400, title: "Invalid registration", detail: error)
            : Answer(await VehicleRegistrations.RegisterAsync(grains, aliases, id, registration));
    }

    private static async Task<IResult> LinkAliasAsync(string id, LinkAliasRequest request, IGrainFactory grains, AliasLookup aliases)
    {
        var (registration, error) = VehicleRegistrations.Validate(id, null, [request.Alias]);
        if (registration is null || request.Alias is null)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid alias", detail: error ?? "alias is required");
        }

        if (await grains.GetGrain<IVehicleTwinGrain>(id).GetAsync() is null)
        {
            return NotFound(id);
        }

        return Answer(await VehicleRegistrations.RegisterAsync(grains, aliases, id, registration));
    }

    private static async Task<IResult> UnlinkAliasAsync(string id, string alias, IGrainFactory grains, AliasLookup aliases)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        if (VehicleIds.NormalizeAlias(alias) is not { } canonical)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid alias",
                detail: $"alias '{alias}' is not kind:id with kind one of {string.Join(", ", VehicleIds.AliasKinds)}");
        }

        return await VehicleRegistrations.UnlinkAsync(grains, aliases, id, canonical) is { } twin
            ? TypedResults.Ok(twin)
            : TypedResults.Problem(statusCode: 404, title: "No such alias", detail: $"Twin '{id}' does not hold the alias '{canonical}'.");
    }

    private static async Task<IResult> ImportRegistryAsync(List<VehicleRegistrations.RegistryRow?> rows, IGrainFactory grains, AliasLookup aliases,
        CancellationToken cancellationToken)
    {
        if (rows.Count > VehicleRegistrations.MaxRegistryRows)
        {
            return TypedResults.Problem(statusCode: 400, title: "Registry too large",
                detail: $"{rows.Count} rows: at most {VehicleRegistrations.MaxRegistryRows} per request; send the rest in another.");
        }

        var valid = rows.Select(r => r ?? new VehicleRegistrations.RegistryRow(null, null, null)).ToList();
        return TypedResults.Ok(await VehicleRegistrations.ImportAsync(grains, aliases, valid, cancellationToken));
    }

    /// <summary>200 with the twin, or 409 naming what another twin holds (what could be bound, was).</summary>
    private static IResult Answer(VehicleRegistrationResult result) => result.Conflicts.Count == 0
        ? TypedResults.Ok(result.Twin)
        : TypedResults.Problem(statusCode: 409, title: "Identity conflict", detail: VehicleRegistrations.Describe(result.Conflicts),
            extensions: new Dictionary<string, object?> { ["twin"] = result.Twin.Id, ["conflicts"] = result.Conflicts });

    private static async Task<IResult> SetChargingTargetAsync(string id, ChargingTargetRequest request, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        if (request.TargetSoc is not (>= 0 and <= 100) || double.IsNaN(request.TargetSoc.Value))
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid charging target",
                detail: "targetSoc is required and must be a percentage from 0 to 100.");
        }

        var twin = await grains.GetGrain<IVehicleTwinGrain>(id).SetChargingTargetAsync(request.TargetSoc.Value, "api");
        return twin is null ? NotFound(id) : TypedResults.Ok(twin);
    }

    private static async Task<IResult> SetThresholdsAsync(string id, NotificationThresholds request, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        if (request.LowSocPercent is < 0 or > 100 || request.LowTirePressureKpa is < 0 or > 1000 || request.OfflineDwellMinutes is < 0 or > 10_080)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid thresholds",
                detail: "lowSocPercent is 0 to 100, lowTirePressureKpa 0 to 1000, offlineDwellMinutes 0 to 10080; null keeps the fleet's value.");
        }

        var twin = await grains.GetGrain<IVehicleTwinGrain>(id).SetNotificationThresholdsAsync(request);
        return twin is null ? NotFound(id) : TypedResults.Ok(twin);
    }

    private static async Task<IResult> GetNotificationsAsync(string id, string? from, string? to, string? limit, string? cursor, IGrainFactory grains,
        TimeProvider clock)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        if (from is not null || to is not null || limit is not null || cursor is not null)
        {
            return await History.HistoryEndpoints.GetNotificationsAsync(id, from, to, limit, cursor, grains, clock);
        }

        var vehicle = grains.GetGrain<IVehicleTwinGrain>(id);
        return await vehicle.GetAsync() is null
            ? NotFound(id)
            : TypedResults.Ok((await vehicle.GetNotificationsAsync()).Select(NotificationView.From));
    }

    internal static IResult InvalidId(string id) => TypedResults.Problem(statusCode: 400, title: "Invalid twin id",
        detail: $"A twin id is 1 to {VehicleIds.MaxLength} letters, digits or '-', '_', '.', ':'.");

    internal static IResult NotFound(string id) => TypedResults.Problem(statusCode: 404, title: "No such vehicle",
        detail: $"No vehicle twin has the id '{id}'.");
}
