using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Host.Api;

/// <summary><c>/api/vehicles</c>: read, register and steer vehicle twins.</summary>
public static class VehicleEndpoints
{
    /// <summary>Body of <c>PUT /api/vehicles/{id}</c>.</summary>
    public sealed record RegisterVehicleRequest(string? Vin);

    /// <summary>Body of <c>PUT /api/vehicles/{id}/charging-target</c>.</summary>
    public sealed record ChargingTargetRequest(double? TargetSoc);

    public static IEndpointRouteBuilder MapVehicleEndpoints(this IEndpointRouteBuilder routes)
    {
        var vehicles = routes.MapGroup("/api/vehicles").WithTags("Vehicles");
        vehicles.MapGet("/{id}", GetAsync).WithName("GetVehicle")
            .WithSummary("The vehicle twin; ETag / If-None-Match for conditional reads.")
            .Produces<VehicleTwin>().Produces(304).ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Read);
        vehicles.MapPut("/{id}", RegisterAsync).WithName("RegisterVehicle")
            .WithSummary("Registers (creates or updates) a vehicle twin.")
            .Produces<VehicleTwin>().ProducesProblem(400).RequireAuthorization(ApiScopes.Admin);
        vehicles.MapPut("/{id}/charging-target", SetChargingTargetAsync).WithName("SetChargingTarget")
            .WithSummary("Sets the target SOC that drives the target-soc-reached notification.")
            .Produces<VehicleTwin>().ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Command);
        vehicles.MapGet("/{id}/notifications", GetNotificationsAsync).WithName("GetVehicleNotifications")
            .WithSummary("The twin's latest 100 derived notifications, newest first.")
            .Produces<IEnumerable<NotificationView>>().ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Read);
        vehicles.MapPut("/{id}/notification-thresholds", SetThresholdsAsync).WithName("SetNotificationThresholds")
            .WithSummary("This vehicle's overrides of the fleet's notification thresholds.")
            .Produces<VehicleTwin>().ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Command);
        return routes;
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        var twin = await grains.GetGrain<IVehicleTwinGrain>(id).GetAsync();
        return twin is null ? NotFound(id) : ConditionalGet.Serve(context, twin);
    }

    private static async Task<IResult> RegisterAsync(string id, RegisterVehicleRequest request, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
        }

        var vin = request.Vin is null ? null : VehicleIds.NormalizeVin(request.Vin);
        if (vin is not null && !VehicleIds.IsValidVin(vin))
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid VIN",
                detail: "vin must be 17 digits and letters.");
        }

        return TypedResults.Ok(await grains.GetGrain<IVehicleTwinGrain>(id).RegisterAsync(new VehicleRegistration(vin)));
    }

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

    private static async Task<IResult> GetNotificationsAsync(string id, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId(id);
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
