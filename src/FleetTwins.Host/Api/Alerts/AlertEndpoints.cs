using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Host.Api.Conventions;
using FleetTwins.Search.Alerts;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetTwins.Host.Api.Alerts;

/// <summary>
/// The one alert inbox, ours and the providers' alerts alike, served from the alert index: the list (filtered,
/// sorted, paged as fleet search is), a vehicle's alerts, one alert; and a provider's own description of one of its
/// alerts (the provider alert twin).
/// </summary>
public static class AlertEndpoints
{
    /// <summary>A page of alerts.</summary>
    public sealed record AlertList(IReadOnlyList<Alert> Items, string? NextCursor);

    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes)
    {
        var alerts = routes.MapApiGroup("/api", "Alerts");
        alerts.MapGet("/alerts", ListAsync).WithName("ListAlerts").RequireAuthorization(ApiScopes.Read)
            .WithSummary("The alert inbox: alerts matching the filter (fields status, severity, rule, origin, vehicleId, raisedAt, ...), newest first unless sorted otherwise, a page at a time.");
        alerts.MapGet("/alerts/{id}", GetAsync).WithName("GetAlert").RequireAuthorization(ApiScopes.Read)
            .WithSummary("One alert of the inbox: a rule's (origin `rule`) or a provider's (origin the provider).");
        alerts.MapGet("/alerts/{id}/provider", GetProviderTwinAsync).WithName("GetProviderAlert").RequireAuthorization(ApiScopes.Read)
            .WithSummary("A provider's alert as the provider last described it (definition, resolutions, muting); ETag / If-None-Match.");
        alerts.MapGet("/vehicles/{id}/alerts", ListForVehicleAsync).WithName("ListVehicleAlerts").RequireAuthorization(ApiScopes.Read)
            .WithSummary("The vehicle's alerts, ours and the providers', newest first, a page at a time.");
        return routes;
    }

    /// <summary>Parses an alert list's query string; a bad part is an <see cref="ArgumentException"/> or a <see cref="FilterException"/>.</summary>
    public static SearchQuery ParseQuery(string? filter, string? sort, int? limit, string? cursor) =>
        FleetEndpoints.ParseQuery(filter, sort, limit, cursor, AlertFields.Catalogue, AlertFields.NewestFirst);

    /// <summary>The filter of one vehicle's alerts, as the alert list would take it (an id is never quoted wrongly: it has no quotes).</summary>
    public static string VehicleFilter(string vehicleId) => $"vehicleId = \"{vehicleId}\"";

    private static Task<Results<Ok<AlertList>, BadRequestProblem, TooManyRequestsProblem>> ListAsync(string? filter, string? sort, int? limit,
        string? cursor, IAlertIndex index, SearchBudget budget, HttpContext context, TimeProvider clock, CancellationToken cancellationToken) =>
        SearchAsync(filter, sort, limit, cursor, index, budget, context, clock, cancellationToken);

    private static async Task<Results<Ok<AlertList>, BadRequestProblem, TooManyRequestsProblem>> ListForVehicleAsync(string id, int? limit,
        string? cursor, IAlertIndex index, SearchBudget budget, HttpContext context, TimeProvider clock, CancellationToken cancellationToken) =>
        VehicleIds.IsValidTwinId(id)
            ? await SearchAsync(VehicleFilter(id), null, limit, cursor, index, budget, context, clock, cancellationToken)
            : new BadRequestProblem("Invalid vehicle id", $"An id is 1 to {VehicleIds.MaxLength} letters, digits or '-', '_', '.', ':'.");

    private static async Task<Results<Ok<AlertList>, BadRequestProblem, TooManyRequestsProblem>> SearchAsync(string? filter, string? sort, int? limit,
        string? cursor, IAlertIndex index, SearchBudget budget, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        SearchQuery query;
        try
        {
            query = ParseQuery(filter, sort, limit, cursor);
        }
        catch (FilterException e)
        {
            return FleetEndpoints.InvalidFilter(e);
        }
        catch (ArgumentException e)
        {
            return new BadRequestProblem("Invalid search", e.Message);
        }

        var charge = budget.Charge(context.User, context.Connection.RemoteIpAddress, query.Filter, await index.EstimateRowsAsync(cancellationToken), "alerts");
        return await FleetEndpoints.WithinBudgetAsync(context, charge, async () =>
        {
            var page = await index.SearchAsync(query, filter, clock.GetUtcNow(), cancellationToken);
            return new AlertList(page.Items, page.NextCursor);
        });
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
