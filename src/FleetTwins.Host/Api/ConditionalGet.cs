using FleetTwins.Abstractions;
using Microsoft.Net.Http.Headers;

namespace FleetTwins.Host.Api;

/// <summary>
/// Conditional reads: a twin is served with <c>ETag: "&lt;version&gt;.&lt;id&gt;"</c>, and a request whose
/// <c>If-None-Match</c> names the current tag (or <c>*</c>) gets 304 with no body.
/// </summary>
public static class ConditionalGet
{
    public static IResult Serve<T>(HttpContext context, T twin) where T : class, IVersionedTwin
    {
        var tag = new EntityTagHeaderValue($"\"{twin.Version}.{twin.Id}\"");
        context.Response.Headers.ETag = tag.ToString();
        context.Response.Headers.CacheControl = "no-cache";
        var ifNoneMatch = context.Request.GetTypedHeaders().IfNoneMatch;
        return ifNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(tag, useStrongComparison: false))
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(twin);
    }
}
