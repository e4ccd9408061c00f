using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Host.Api.Conventions;
using FleetTwins.Search.Alerts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetTwins.Host.Api.Alerts;

/// <summary>
/// The one alert inbox, ours and the providers' alerts alike, served from the alert index; and a provider's own
/// description of one of its alerts (the provider alert twin).
/// </summary>
public static class AlertEndpoints
{
    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes)
    {
        var alerts = routes.MapApiGroup("/api", "Alerts");
        alerts.MapGet("/alerts/{id}", GetAsync).WithName("GetAlert").RequireAuthorization(ApiScopes.Read)
            .WithSummary("One alert of the inbox: a rule's (origin `rule`) or a provider's (origin the provider).");
        alerts.MapGet("/alerts/{id}/provider", GetProviderTwinAsync).WithName("GetProviderAlert").RequireAuthorization(ApiScopes.Read)
            .WithSummary("A provider's alert as the provider last described it (definition, resolutions, muting); ETag / If-None-Match.");
        return routes;
    }

    private static async Task<Results<Ok<Alert>, BadRequestProblem, NotFoundProblem>> GetAsync(string id, IAlertIndex index,
        CancellationToken cancellationToken)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId();
        }

        return await index.GetAsync(id, cancellationToken) is { } alert
            ? TypedResults.Ok(alert)
            : new NotFoundProblem("No such alert", $"No alert has the id '{id}'.");
    }

    private static async Task<Results<ConditionalOk<AlertTwin>, BadRequestProblem, NotFoundProblem>> GetProviderTwinAsync(string id, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return InvalidId();
        }

        return await grains.GetGrain<IAlertGrain>(id).GetAsync() is { } twin
            ? new ConditionalOk<AlertTwin>(twin)
            : new NotFoundProblem("No such provider alert", $"No provider has described an alert with the id '{id}'.");
    }

    private static BadRequestProblem InvalidId() =>
        new("Invalid alert id", $"An id is 1 to {VehicleIds.MaxLength} letters, digits or '-', '_', '.', ':'.");
}
