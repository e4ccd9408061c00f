using FleetTwins.Accounts;
using FleetTwins.Alerts;
using FleetTwins.Chargers;
using FleetTwins.RateLimits;
using FleetTwins.Routing;
using FleetTwins.Vehicles;

namespace FleetTwins.Host.Api;

/// <summary>Vehicle resolution by alias, and the other twins: chargers, alerts, accounts, rate limits.</summary>
public static class TwinEndpoints
{
    public static IEndpointRouteBuilder MapTwinEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/vehicles/resolve", ResolveAsync).WithTags("Vehicles").WithName("ResolveVehicle");
        routes.MapGet("/api/chargers/{id}", (string id, IGrainFactory grains) =>
            ServeAsync(id, "charger", () => grains.GetGrain<IChargerGrain>(id).GetAsync())).WithTags("Chargers").WithName("GetCharger");
        routes.MapGet("/api/alerts/{id}", (string id, IGrainFactory grains) =>
            ServeAsync(id, "alert", () => grains.GetGrain<IAlertGrain>(id).GetAsync())).WithTags("Alerts").WithName("GetAlert");
        routes.MapGet("/api/accounts/{id}", (string id, IGrainFactory grains) =>
            ServeAsync(id, "account", () => grains.GetGrain<IAccountGrain>(id).GetAsync())).WithTags("Accounts").WithName("GetAccount");
        routes.MapGet("/api/rate-limits/{id}", (string id, IGrainFactory grains) =>
            ServeAsync(id, "rate-limit", () => grains.GetGrain<IRateLimitGrain>(id).GetAsync())).WithTags("RateLimits").WithName("GetRateLimits");
        return routes;
    }

    /// <summary><c>?vin=</c>, <c>?imei=</c> or <c>?provider=&amp;id=</c>: the twin that identifier belongs to.</summary>
    private static async Task<IResult> ResolveAsync(string? vin, string? imei, string? provider, string? id, TwinEventRouter router, IGrainFactory grains)
    {
        var alias = (vin, imei, provider, id) switch
        {
            ({ } v, null, null, null) => $"vin:{VehicleIds.NormalizeVin(v)}",
            (null, { } i, null, null) => $"imei:{i.Trim()}",
            (null, null, { } p, { } i) => $"{p.Trim().ToLowerInvariant()}:{i.Trim()}",
            _ => null,
        };
        if (alias is null || !VehicleIds.IsValidTwinId(alias))
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid query",
                detail: "Give exactly one of vin, imei, or provider with id; identifiers are letters, digits, '-', '_', '.' and ':'.");
        }

        var twin = await router.LookupAsync(alias) is { } twinId ? await grains.GetGrain<IVehicleTwinGrain>(twinId).GetAsync() : null;
        return twin is null
            ? TypedResults.Problem(statusCode: 404, title: "No such vehicle", detail: $"No vehicle twin is known as '{alias}'.")
            : TypedResults.Ok(twin);
    }

    private static async Task<IResult> ServeAsync<T>(string id, string kind, Func<Task<T?>> get) where T : class
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return TypedResults.Problem(statusCode: 400, title: $"Invalid {kind} id",
                detail: $"An id is 1 to {VehicleIds.MaxLength} letters, digits or '-', '_', '.', ':'.");
        }

        return await get() is { } twin
            ? TypedResults.Ok(twin)
            : TypedResults.Problem(statusCode: 404, title: $"No such {kind}", detail: $"No {kind} twin has the id '{id}'.");
    }
}
