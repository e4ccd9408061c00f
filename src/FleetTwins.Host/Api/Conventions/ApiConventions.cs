using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FleetTwins.Host.Api.Conventions;

/// <summary>
/// What every query API route shares: the content types it writes, and the answers the middleware in front of it may
/// give instead (401 without a valid key, 403 without the route's scope, 429 over the key's rate limit, 413 over a
/// body limit), documented once here rather than on each route.
/// </summary>
public static class ApiConventions
{
    public const string Json = "application/json";

    public const string ProblemJson = "application/problem+json";

    public const string GeoJson = "application/geo+json";

    public const string EventStream = "text/event-stream";

    /// <summary>
    /// A group of protected API routes: each names its scope with <c>RequireAuthorization</c>, and its OpenAPI
    /// operation lists what authentication, authorization and the rate limiter answer.
    /// </summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder routes, string prefix, string tag)
    {
        var group = routes.MapGroup(prefix).WithTags(tag);
        // Finally, not at once: the route's own RequireAuthorization, which names the scope, comes after the group's conventions.
        ((IEndpointConventionBuilder)group).Finally(DescribeGuards);
        return group;
    }

    /// <summary>Caps the body a route reads; a larger one is a 413.</summary>
    public static RouteHandlerBuilder WithBodyLimit(this RouteHandlerBuilder route, long maxBytes) => route
        .WithMetadata(new RequestSizeLimitAttribute(maxBytes))
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    private static void DescribeGuards(EndpointBuilder endpoint)
    {
        var scope = endpoint.Metadata.OfType<IAuthorizeData>().Select(a => a.Policy).FirstOrDefault(p => p is not null) ?? ApiScopes.Read;
        ApiProblem.Describe(endpoint, StatusCodes.Status401Unauthorized, "No API key, or one that is not configured (Authorization: Bearer <key>).");
        ApiProblem.Describe(endpoint, StatusCodes.Status403Forbidden, $"The API key lacks the `{scope}` scope this operation needs.");
        ApiProblem.Describe(endpoint, StatusCodes.Status429TooManyRequests, "Too many requests for this credential; retry after the Retry-After seconds.");
    }
}
