using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace FleetTwins.Host.Api.Conventions;

/// <summary>200 with a GeoJSON document (RFC 7946), written as <c>application/geo+json</c>.</summary>
public sealed class GeoJson<T>(T value) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Json(value, contentType: ApiConventions.GeoJson).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), [ApiConventions.GeoJson]));
}
