using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Identity;
using FleetTwins.Host.Api.Conventions;
using FleetTwins.Host.Api.History;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

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

    /// <summary>The media type of a JSON merge patch (RFC 7396); plain JSON is taken the same way.</summary>
    public const string MergePatchJson = "application/merge-patch+json";

    /// <summary>The largest master data patch read (the notes and every other member at their longest fit well inside).</summary>
    public const int MaxPatchBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapVehicleEndpoints(this IEndpointRouteBuilder routes)
    {
        var vehicles = routes.MapApiGroup("/api/vehicles", "Vehicles");
        vehicles.MapGet("/{id}", GetAsync).WithName("GetVehicle").RequireAuthorization(ApiScopes.Read)
            .WithSummary("The vehicle twin (with asOf=<time>: as it was then, rebuilt from its journal); ETag / If-None-Match for conditional reads.");
        vehicles.MapPut("/{id}", RegisterAsync).WithName("RegisterVehicle").RequireAuthorization(ApiScopes.Admin)
            .WithSummary("Registers a vehicle twin (created when new) and binds its VIN and aliases; 409 names the twin holding one.");
        vehicles.MapPatch("/{id}", PatchMasterDataAsync).WithName("PatchVehicle").RequireAuthorization(ApiScopes.Admin).WithBodyLimit(MaxPatchBytes)
            .Accepts<MasterDataRequests.MasterDataRequest>(MergePatchJson, ApiConventions.Json)
            .WithSummary("Sets what operators say about the vehicle (name, plate, group, tags, batteryCapacityKwh, notes) as a JSON merge patch: "
                + "members given are set, null clears, absent ones are kept; journaled, shown under masterData and in its history.");
        vehicles.MapPost("/{id}/aliases", LinkAliasAsync).WithName("LinkAlias").RequireAuthorization(ApiScopes.Admin)
            .WithSummary("Binds an alias (imei:, invers:, volteras:, telematica:, vin:) to the twin; the twin holding it is merged in, 409 on a VIN conflict.");
        vehicles.MapDelete("/{id}/aliases/{alias}", UnlinkAliasAsync).WithName("UnlinkAlias").RequireAuthorization(ApiScopes.Admin)
            .WithSummary("Unbinds an alias from the twin: the next delivery naming it starts a new twin.");
        vehicles.MapPost("/registry", ImportRegistryAsync).WithName("ImportRegistry").RequireAuthorization(ApiScopes.Admin)
            .WithSummary($"Registers up to 10,000 vehicles ({{id, vin, aliases}} rows) as PUT /api/vehicles/{{id}} does; idempotent; a result per row.");
        vehicles.MapPut("/{id}/charging-target", SetChargingTargetAsync).WithName("SetChargingTarget").RequireAuthorization(ApiScopes.Command)
            .WithSummary("Sets the target SOC that drives the target-soc-reached notification.");
        vehicles.MapGet("/{id}/notifications", GetNotificationsAsync).WithName("GetVehicleNotifications").RequireAuthorization(ApiScopes.Read)
            .WithSummary("The twin's latest 100 derived notifications, newest first; with from/to/limit/cursor, those of a window from its history, oldest first, paged.");
        vehicles.MapPut("/{id}/notification-thresholds", SetThresholdsAsync).WithName("SetNotificationThresholds").RequireAuthorization(ApiScopes.Command)
            .WithSummary("This vehicle's overrides of the fleet's notification thresholds.");
        return routes;
    }

    private static async Task<Results<ConditionalOk<VehicleTwin>, BadRequestProblem, NotFoundProblem>> GetAsync(string id, string? asOf,
        IGrainFactory grains, TimeProvider clock)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        if (asOf is not null)
        {
            return await HistoryEndpoints.GetAsOfAsync(id, asOf, grains, clock);
        }

        var twin = await grains.GetGrain<IVehicleTwinGrain>(id).GetAsync();
        return twin is null ? NotFound(id) : new ConditionalOk<VehicleTwin>(twin);
    }

    private static async Task<Results<Ok<VehicleTwin>, BadRequestProblem, ConflictProblem>> RegisterAsync(string id, RegisterVehicleRequest request,
        IGrainFactory grains, AliasLookup aliases)
    {
        var (registration, error) = VehicleRegistrations.Validate(id, request.Vin, request.Aliases);
        if (registration is null)
        {
            return new BadRequestProblem("Invalid registration", error!);
        }

        var result = await VehicleRegistrations.RegisterAsync(grains, aliases, id, registration);
        return Conflict(result) is { } conflict ? conflict : TypedResults.Ok(result.Twin);
    }

    private static async Task<Results<Ok<VehicleTwin>, BadRequestProblem, NotFoundProblem, UnsupportedMediaTypeProblem>> PatchMasterDataAsync(string id,
        HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || type.MediaType.Value?.ToLowerInvariant() is not (MergePatchJson or ApiConventions.Json))
        {
            return new UnsupportedMediaTypeProblem("Unsupported content type",
                $"Content-Type: {MergePatchJson} or {ApiConventions.Json}, not '{request.ContentType}'.");
        }

        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return new BadRequestProblem("Invalid master data", $"body: not valid JSON ({e.Message})", new Dictionary<string, object?> { ["member"] = "body" });
        }

        var (patch, member, error) = MasterDataRequests.Parse(body);
        if (patch is null)
        {
            return new BadRequestProblem("Invalid master data", error!, new Dictionary<string, object?> { ["member"] = member });
        }

        var twin = await grains.GetGrain<IVehicleTwinGrain>(id).SetMasterDataAsync(patch, user.Identity?.Name);
        return twin is null ? NotFound(id) : TypedResults.Ok(twin);
    }

    private static async Task<Results<Ok<VehicleTwin>, BadRequestProblem, NotFoundProblem, ConflictProblem>> LinkAliasAsync(string id,
        LinkAliasRequest request, IGrainFactory grains, AliasLookup aliases)
    {
        var (registration, error) = VehicleRegistrations.Validate(id, null, [request.Alias]);
        if (registration is null || request.Alias is null)
        {
            return new BadRequestProblem("Invalid alias", error ?? "alias is required");
        }

        if (await grains.GetGrain<IVehicleTwinGrain>(id).GetAsync() is null)
        {
            return NotFound(id);
        }

        var result = await VehicleRegistrations.RegisterAsync(grains, aliases, id, registration);
        return Conflict(result) is { } conflict ? conflict : TypedResults.Ok(result.Twin);
    }

    private static async Task<Results<Ok<VehicleTwin>, BadRequestProblem, NotFoundProblem>> UnlinkAliasAsync(string id, string alias,
        IGrainFactory grains, AliasLookup aliases)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        if (VehicleIds.NormalizeAlias(alias) is not { } canonical)
        {
            return new BadRequestProblem("Invalid alias", $"alias '{alias}' is not kind:id with kind one of {string.Join(", ", VehicleIds.AliasKinds)}");
        }

        return await VehicleRegistrations.UnlinkAsync(grains, aliases, id, canonical) is { } twin
            ? TypedResults.Ok(twin)
            : new NotFoundProblem("No such alias", $"Twin '{id}' does not hold the alias '{canonical}'.");
    }

    private static async Task<Results<Ok<VehicleRegistrations.RegistryResult>, BadRequestProblem>> ImportRegistryAsync(
        List<VehicleRegistrations.RegistryRow?> rows, IGrainFactory grains, AliasLookup aliases, CancellationToken cancellationToken)
    {
        if (rows.Count > VehicleRegistrations.MaxRegistryRows)
        {
            return new BadRequestProblem("Registry too large",
                $"{rows.Count} rows: at most {VehicleRegistrations.MaxRegistryRows} per request; send the rest in another.");
        }

        var valid = rows.Select(r => r ?? new VehicleRegistrations.RegistryRow(null, null, null)).ToList();
        return TypedResults.Ok(await VehicleRegistrations.ImportAsync(grains, aliases, valid, cancellationToken));
    }

    /// <summary>The 409 naming what another twin holds (what could be bound, was); null when all was bound.</summary>
    private static ConflictProblem? Conflict(VehicleRegistrationResult result) => result.Conflicts.Count == 0
        ? null
        : new ConflictProblem("Identity conflict", VehicleRegistrations.Describe(result.Conflicts),
            new Dictionary<string, object?> { ["twin"] = result.Twin.Id, ["conflicts"] = result.Conflicts });

    private static async Task<Results<Ok<VehicleTwin>, BadRequestProblem, NotFoundProblem>> SetChargingTargetAsync(string id,
        ChargingTargetRequest request, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        if (request.TargetSoc is not (>= 0 and <= 100) || double.IsNaN(request.TargetSoc.Value))
        {
            return new BadRequestProblem("Invalid charging target", "targetSoc is required and must be a percentage from 0 to 100.");
        }

        var twin = await grains.GetGrain<IVehicleTwinGrain>(id).SetChargingTargetAsync(request.TargetSoc.Value, "api");
        return twin is null ? NotFound(id) : TypedResults.Ok(twin);
    }

    private static async Task<Results<Ok<VehicleTwin>, BadRequestProblem, NotFoundProblem>> SetThresholdsAsync(string id,
        NotificationThresholds request, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        if (request.LowSocPercent is < 0 or > 100 || request.LowTirePressureKpa is < 0 or > 1000 || request.OfflineDwellMinutes is < 0 or > 10_080)
        {
            return new BadRequestProblem("Invalid thresholds",
                "lowSocPercent is 0 to 100, lowTirePressureKpa 0 to 1000, offlineDwellMinutes 0 to 10080; null keeps the fleet's value.");
        }

        var twin = await grains.GetGrain<IVehicleTwinGrain>(id).SetNotificationThresholdsAsync(request);
        return twin is null ? NotFound(id) : TypedResults.Ok(twin);
    }

    /// <summary>
    /// The latest notifications; with any of from, to, limit or cursor, a page of a window from the history instead. The
    /// OpenAPI document shows the last 200 declared, so the latest-notifications list comes last.
    /// </summary>
    private static async Task<Results<Ok<HistoryEndpoints.NotificationsAnswer>, Ok<IEnumerable<NotificationView>>, BadRequestProblem, NotFoundProblem>>
        GetNotificationsAsync(string id, string? from, string? to, string? limit, string? cursor, IGrainFactory grains, TimeProvider clock)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        if (from is not null || to is not null || limit is not null || cursor is not null)
        {
            return await HistoryEndpoints.GetNotificationsAsync(id, from, to, limit, cursor, grains, clock);
        }

        var vehicle = grains.GetGrain<IVehicleTwinGrain>(id);
        return await vehicle.GetAsync() is null
            ? NotFound(id)
            : TypedResults.Ok((await vehicle.GetNotificationsAsync()).Select(NotificationView.From));
    }

    internal static BadRequestProblem InvalidId(string id) =>
        new("Invalid twin id", $"A twin id is 1 to {VehicleIds.MaxLength} letters, digits or '-', '_', '.', ':'.");

    internal static NotFoundProblem NotFound(string id) => new("No such vehicle", $"No vehicle twin has the id '{id}'.");
}
