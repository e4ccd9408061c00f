using System.Reflection;
using FleetTwins.Abstractions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace FleetTwins.Host.Api.Conventions;

/// <summary>
/// A conditional read of a twin: served with <c>ETag: "&lt;version&gt;.&lt;id&gt;"</c> (200), or, when the request's
/// <c>If-None-Match</c> names the current tag (or <c>*</c>), 304 with no body.
/// </summary>
public sealed class ConditionalOk<T>(T twin) : IResult, IEndpointMetadataProvider where T : class, IVersionedTwin
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var tag = new EntityTagHeaderValue($"\"{twin.Version}.{twin.Id}\"");
        httpContext.Response.Headers.ETag = tag.ToString();
        httpContext.Response.Headers.CacheControl = "no-cache";
        var ifNoneMatch = httpContext.Request.GetTypedHeaders().IfNoneMatch;
        return ifNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(tag, useStrongComparison: false))
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified).ExecuteAsync(httpContext)
            : TypedResults.Ok(twin).ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), [ApiConventions.Json]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified, typeof(void)));
    }
}
