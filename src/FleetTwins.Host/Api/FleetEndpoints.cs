using System.Globalization;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Host.Api.Conventions;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Projection;
using FleetTwins.Search.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetTwins.Host.Api;

/// <summary>
/// Fleet search (<c>GET /api/vehicles?filter=&amp;sort=&amp;limit=&amp;cursor=</c>) and aggregates
/// (<c>GET /api/fleet/aggregates?filter=</c>), served from the projection of twin state (docs/SEARCH.md).
/// </summary>
public static class FleetEndpoints
{
    /// <summary>A page of search results.</summary>
    public sealed record SearchResponse(IReadOnlyList<VehicleSummary> Items, string? NextCursor);

    public static IEndpointRouteBuilder MapFleetEndpoints(this IEndpointRouteBuilder routes)
    {
        var fleet = routes.MapApiGroup("/api", "Fleet");
        fleet.MapGet("/vehicles", SearchAsync).WithName("SearchVehicles").RequireAuthorization(ApiScopes.Read)
            .WithSummary("Fleet search: vehicles matching the filter, sorted, a page at a time.");
        fleet.MapGet("/fleet/aggregates", AggregateAsync).WithName("FleetAggregates").RequireAuthorization(ApiScopes.Read)
            .WithSummary("Count, online ratio, average SOC and count by charging state of the vehicles matching the filter.");
        return routes;
    }

    /// <summary>Parses the query string parts of a search; a bad part is an <see cref="ArgumentException"/> or a <see cref="FilterException"/>.</summary>
    public static SearchQuery ParseQuery(string? filter, string? sort, int? limit, string? cursor) =>
        ParseQuery(filter, sort, limit, cursor, Fields.Vehicles, SortOrder.ById);

    /// <summary>Parses a search over the records of <paramref name="fields"/>, in <paramref name="byDefault"/> order unless it names one.</summary>
    public static SearchQuery ParseQuery<T>(string? filter, string? sort, int? limit, string? cursor, FieldCatalogue<T> fields, SortOrder byDefault)
    {
        var parsed = FilterParser.Parse(filter, fields);
        var order = SortOrder.Parse(sort, fields, byDefault);
        if (limit is < 1 or > SearchQuery.MaxLimit)
        {
            throw new ArgumentException($"limit: from 1 to {SearchQuery.MaxLimit} (default {SearchQuery.DefaultLimit})");
        }

        var after = string.IsNullOrEmpty(cursor) ? null : PageCursor.Decode(cursor, order, filter);
        return new SearchQuery(parsed, order, limit ?? SearchQuery.DefaultLimit, after);
    }

    public static BadRequestProblem InvalidFilter(FilterException e) =>
        new("Invalid filter", e.Message, new Dictionary<string, object?> { ["position"] = e.Position });

    /// <summary>
    /// Charges a search to the caller's budget and runs it when the budget allows; else problem details: 400 too
    /// costly for one request, 429 (with Retry-After) the key's budget spent.
    /// </summary>
    private static async Task<Results<Ok<T>, BadRequestProblem, TooManyRequestsProblem>> WithinBudgetAsync<T>(HttpContext context, SearchBudget budget,
        Filter filter, Func<Task<T>> search, CancellationToken cancellationToken) =>
        await WithinBudgetAsync(context, await budget.ChargeAsync(context.User, context.Connection.RemoteIpAddress, filter, cancellationToken), search);

    /// <summary>Runs a search that <paramref name="charge"/> allows; else its problem details (400, or 429 with Retry-After).</summary>
    public static async Task<Results<Ok<T>, BadRequestProblem, TooManyRequestsProblem>> WithinBudgetAsync<T>(HttpContext context, SearchCharge charge,
        Func<Task<T>> search)
    {
        switch (charge.Status)
        {
            case StatusCodes.Status200OK:
                return TypedResults.Ok(await search());
            case StatusCodes.Status429TooManyRequests:
                context.Response.Headers.RetryAfter = charge.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return new TooManyRequestsProblem("Search budget spent", charge.Problem!);
            default:
                return new BadRequestProblem("Search too costly", charge.Problem!);
        }
    }

    private static async Task<Results<Ok<SearchResponse>, BadRequestProblem, TooManyRequestsProblem>> SearchAsync(string? filter, string? sort, int? limit,
        string? cursor, IFleetProjection projection, SearchBudget budget, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        SearchQuery query;
        try
        {
            query = ParseQuery(filter, sort, limit, cursor);
        }
        catch (FilterException e)
        {
            return InvalidFilter(e);
        }
        catch (ArgumentException e)
        {
            return new BadRequestProblem("Invalid search", e.Message);
        }

        return await WithinBudgetAsync(context, budget, query.Filter, async () =>
        {
            var page = await projection.SearchAsync(query, filter, clock.GetUtcNow(), cancellationToken);
            return new SearchResponse(page.Items, page.NextCursor);
        }, cancellationToken);
    }

    private static async Task<Results<Ok<FleetAggregates>, BadRequestProblem, TooManyRequestsProblem>> AggregateAsync(string? filter,
        IFleetProjection projection, SearchBudget budget, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        Filter parsed;
        try
        {
            parsed = FilterParser.Parse(filter);
        }
        catch (FilterException e)
        {
            return InvalidFilter(e);
        }

        return await WithinBudgetAsync(context, budget, parsed, () => projection.AggregateAsync(parsed, clock.GetUtcNow(), cancellationToken), cancellationToken);
    }
}
