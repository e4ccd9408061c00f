using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Projection;
using FleetTwins.Search.Queries;

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
        routes.MapGet("/api/vehicles", SearchAsync).WithTags("Fleet").WithName("SearchVehicles")
            .WithSummary("Fleet search: vehicles matching the filter, sorted, a page at a time.")
            .Produces<SearchResponse>().ProducesProblem(400).ProducesProblem(429)
            .RequireAuthorization(ApiScopes.Read);
        routes.MapGet("/api/fleet/aggregates", AggregateAsync).WithTags("Fleet").WithName("FleetAggregates")
            .WithSummary("Count, online ratio, average SOC and count by charging state of the vehicles matching the filter.")
            .Produces<FleetAggregates>().ProducesProblem(400).ProducesProblem(429)
            .RequireAuthorization(ApiScopes.Read);
        return routes;
    }

    /// <summary>Parses the query string parts of a search; a bad part is an <see cref="ArgumentException"/> or a <see cref="FilterException"/>.</summary>
    public static SearchQuery ParseQuery(string? filter, string? sort, int? limit, string? cursor)
    {
        var parsed = FilterParser.Parse(filter);
        var order = SortOrder.Parse(sort);
        if (limit is < 1 or > SearchQuery.MaxLimit)
        {
            throw new ArgumentException($"limit: from 1 to {SearchQuery.MaxLimit} (default {SearchQuery.DefaultLimit})");
        }

        var after = string.IsNullOrEmpty(cursor) ? null : PageCursor.Decode(cursor, order, filter);
        return new SearchQuery(parsed, order, limit ?? SearchQuery.DefaultLimit, after);
    }

    public static IResult InvalidFilter(FilterException e) => TypedResults.Problem(statusCode: 400, title: "Invalid filter",
        detail: e.Message, extensions: new Dictionary<string, object?> { ["position"] = e.Position });

    /// <summary>A search over its budget as problem details: 400 too costly for one request, 429 (with Retry-After) the key's budget spent.</summary>
    public static IResult? OverBudget(HttpContext context, SearchCharge charge)
    {
        if (charge.Status == 200)
        {
            return null;
        }

        if (charge.Status == 429)
        {
            context.Response.Headers.RetryAfter = charge.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(statusCode: charge.Status, title: charge.Status == 429 ? "Search budget spent" : "Search too costly", detail: charge.Problem);
    }

    private static async Task<IResult> SearchAsync(string? filter, string? sort, int? limit, string? cursor,
        IFleetProjection projection, SearchBudget budget, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
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
            return TypedResults.Problem(statusCode: 400, title: "Invalid search", detail: e.Message);
        }

        if (OverBudget(context, await budget.ChargeAsync(context.User, context.Connection.RemoteIpAddress, query.Filter, cancellationToken)) is { } refused)
        {
            return refused;
        }

        var page = await projection.SearchAsync(query, filter, clock.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(new SearchResponse(page.Items, page.NextCursor));
    }

    private static async Task<IResult> AggregateAsync(string? filter, IFleetProjection projection, SearchBudget budget, HttpContext context,
        TimeProvider clock, CancellationToken cancellationToken)
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

        if (OverBudget(context, await budget.ChargeAsync(context.User, context.Connection.RemoteIpAddress, parsed, cancellationToken)) is { } refused)
        {
            return refused;
        }

        return TypedResults.Ok(await projection.AggregateAsync(parsed, clock.GetUtcNow(), cancellationToken));
    }
}
