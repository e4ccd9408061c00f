using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace FleetTwins.Host.Api.Conventions;

/// <summary>
/// The error body of every API answer: problem details (RFC 9457) written by the problem details service, as
/// <c>application/problem+json</c>; each subtype fixes the status, so a handler's signature documents it.
/// </summary>
public abstract class ApiProblem(int status, string title, string? detail, IDictionary<string, object?>? extensions) : IResult, IStatusCodeHttpResult
{
    private readonly ProblemHttpResult problem = TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);

    public int? StatusCode => problem.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext) => problem.ExecuteAsync(httpContext);

    /// <summary>Documents an answer of <paramref name="status"/> with this body, unless the endpoint documents that status already.</summary>
    public static void Describe(EndpointBuilder endpoint, int status, string? description = null)
    {
        if (endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode == status))
        {
            return;
        }

        endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [ApiConventions.ProblemJson]) { Description = description });
    }
}

/// <summary>400: the request is malformed or invalid; the detail says what is wrong.</summary>
public sealed class BadRequestProblem(string title, string detail, IDictionary<string, object?>? extensions = null)
    : ApiProblem(StatusCodes.Status400BadRequest, title, detail, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status400BadRequest);
}

/// <summary>404: no such twin, or nothing of the kind asked for.</summary>
public sealed class NotFoundProblem(string title, string detail)
    : ApiProblem(StatusCodes.Status404NotFound, title, detail, null), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status404NotFound);
}

/// <summary>409: the request contradicts what is already bound or recorded.</summary>
public sealed class ConflictProblem(string title, string detail, IDictionary<string, object?>? extensions = null)
    : ApiProblem(StatusCodes.Status409Conflict, title, detail, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status409Conflict);
}

/// <summary>415: the body is not of a media type the operation reads.</summary>
public sealed class UnsupportedMediaTypeProblem(string title, string detail)
    : ApiProblem(StatusCodes.Status415UnsupportedMediaType, title, detail, null), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status415UnsupportedMediaType);
}

/// <summary>429: a budget of the caller is spent; the answer carries <c>Retry-After</c>.</summary>
public sealed class TooManyRequestsProblem(string title, string detail)
    : ApiProblem(StatusCodes.Status429TooManyRequests, title, detail, null), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status429TooManyRequests);
}
