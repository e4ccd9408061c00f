using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Accounts;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Chargers;
using FleetTwins.Abstractions.RateLimits;
using FleetTwins.Grains.Identity;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Host.Api;

/// <summary>Vehicle resolution by alias, and the other twins: chargers, alerts, accounts, rate limits.</summary>
public static class TwinEndpoints
{
    public static IEndpointRouteBuilder MapTwinEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/vehicles/resolve", ResolveAsync).WithTags("Vehicles").WithName("ResolveVehicle")
            .WithSummary("The vehicle twin an identifier belongs to: ?vin=, ?imei= or ?provider=&id=.")
            .Produces<VehicleTwin>().Produces(304).ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Read);
        routes.MapGet("/api/chargers/{id}", (string id, HttpContext context, IGrainFactory grains) =>
            ServeAsync(context, id, "charger", () => grains.GetGrain<IChargerGrain>(id).GetAsync())).WithTags("Chargers").WithName("GetCharger")
            .Produces<ChargerTwin>().Produces(304).ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Read);
        routes.MapGet("/api/alerts/{id}", (string id, HttpContext context, IGrainFactory grains) =>
            ServeAsync(context, id, "alert", () => grains.GetGrain<IAlertGrain>(id).GetAsync())).WithTags("Alerts").WithName("GetAlert")
            .Produces<AlertTwin>().Produces(304).ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Read);
        routes.MapGet("/api/accounts/{id}", (string id, HttpContext context, IGrainFactory grains) =>
            ServeAsync(context, id, "account", () => grains.GetGrain<IAccountGrain>(id).GetAsync())).WithTags("Accounts").WithName("GetAccount")
            .Produces<AccountTwin>().Produces(304).ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Read);
        routes.MapGet("/api/rate-limits/{id}", (string id, HttpContext context, IGrainFactory grains) =>
            ServeAsync(context, id, "rate-limit", () => grains.GetGrain<IRateLimitGrain>(id).GetAsync())).WithTags("RateLimits").WithName("GetRateLimits")
            .Produces<RateLimitTwin>().Produces(304).ProducesProblem(400).ProducesProblem(404).RequireAuthorization(ApiScopes.Read);
        return routes;
    }

    /// <summary><c>?vin=</c>, <c>?imei=</c> or <c>?provider=&amp;id=</c>: the twin that identifier belongs to.</summary>
    private static async Task<IResult> ResolveAsync(string? vin, string? imei, string? provider, string? id, HttpContext context, AliasLookup aliases, IGrainFactory grains)
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

        var twin = await aliases.ResolveTwinAsync(alias);
        return twin is null
            ? TypedResults.Problem(statusCode: 404, title: "No such vehicle", detail: $"No vehicle twin is known as '{alias}'.")
            : ConditionalGet.Serve(context, twin);
    }

    private static async Task<IResult> ServeAsync<T>(HttpContext context, string id, string kind, Func<Task<T?>> get) where T : class, IVersionedTwin
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return TypedResults.Problem(statusCode: 400, title: $"Invalid {kind} id",
                detail: $"An id is 1 to {VehicleIds.MaxLength} letters, digits or '-', '_', '.', ':'.");
        }

        return await get() is { } twin
            ? ConditionalGet.Serve(context, twin)
            : TypedResults.Problem(statusCode: 404, title: $"No such {kind}", detail: $"No {kind} twin has the id '{id}'.");
    }
}
