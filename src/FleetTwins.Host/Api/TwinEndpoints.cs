using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Accounts;
using FleetTwins.Abstractions.Chargers;
using FleetTwins.Abstractions.RateLimits;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Identity;
using FleetTwins.Host.Api.Conventions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetTwins.Host.Api;

/// <summary>Vehicle resolution by alias, and the other twins: chargers, accounts, rate limits (alerts: <see cref="Alerts.AlertEndpoints"/>).</summary>
public static class TwinEndpoints
{
    public static IEndpointRouteBuilder MapTwinEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapApiGroup("/api/vehicles", "Vehicles").MapGet("/resolve", ResolveAsync).WithName("ResolveVehicle").RequireAuthorization(ApiScopes.Read)
            .WithSummary("The vehicle twin an identifier belongs to: ?vin=, ?imei= or ?provider=&id=.");
        routes.MapApiGroup("/api/chargers", "Chargers").MapGet("/{id}", (string id, IGrainFactory grains) =>
            ServeAsync(id, "charger", () => grains.GetGrain<IChargerGrain>(id).GetAsync())).WithName("GetCharger").RequireAuthorization(ApiScopes.Read);
        routes.MapApiGroup("/api/accounts", "Accounts").MapGet("/{id}", (string id, IGrainFactory grains) =>
            ServeAsync(id, "account", () => grains.GetGrain<IAccountGrain>(id).GetAsync())).WithName("GetAccount").RequireAuthorization(ApiScopes.Read);
        routes.MapApiGroup("/api/rate-limits", "RateLimits").MapGet("/{id}", (string id, IGrainFactory grains) =>
            ServeAsync(id, "rate-limit", () => grains.GetGrain<IRateLimitGrain>(id).GetAsync())).WithName("GetRateLimits").RequireAuthorization(ApiScopes.Read);
        return routes;
    }

    /// <summary><c>?vin=</c>, <c>?imei=</c> or <c>?provider=&amp;id=</c>: the twin that identifier belongs to.</summary>
    private static async Task<Results<ConditionalOk<VehicleTwin>, BadRequestProblem, NotFoundProblem>> ResolveAsync(string? vin, string? imei,
        string? provider, string? id, AliasLookup aliases)
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
            return new BadRequestProblem("Invalid query",
                "Give exactly one of vin, imei, or provider with id; identifiers are letters, digits, '-', '_', '.' and ':'.");
        }

        var twin = await aliases.ResolveTwinAsync(alias);
        return twin is null
            ? new NotFoundProblem("No such vehicle", $"No vehicle twin is known as '{alias}'.")
            : new ConditionalOk<VehicleTwin>(twin);
    }

    private static async Task<Results<ConditionalOk<T>, BadRequestProblem, NotFoundProblem>> ServeAsync<T>(string id, string kind, Func<Task<T?>> get)
        where T : class, IVersionedTwin
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return new BadRequestProblem($"Invalid {kind} id", $"An id is 1 to {VehicleIds.MaxLength} letters, digits or '-', '_', '.', ':'.");
        }

        return await get() is { } twin
            ? new ConditionalOk<T>(twin)
            : new NotFoundProblem($"No such {kind}", $"No {kind} twin has the id '{id}'.");
    }
}
