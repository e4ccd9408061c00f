using System.Text.Json;
using FleetTwins.Grains.Delivery;
using FleetTwins.Host.Hosting;
using Microsoft.AspNetCore.Diagnostics;

namespace FleetTwins.Host.Api;

/// <summary>
/// Turns the exceptions a request can meet into problem details: a body that cannot be read is a 4xx that says
/// why; storage or cluster trouble is a 503 (retry later); anything else stays a 500.
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", Describe(bad)),
            _ when TransientFailure.Is(exception) => (503, "Service unavailable", "Storage or cluster is unavailable; retry later."),
            _ => (0, "", ""),
        };
        if (status == 0)
        {
            return false;
        }

        if (status == 503)
        {
            logger.LogWarning(exception, "Storage or cluster unavailable while serving {Method} {Path}", context.Request.Method, context.Request.Path);
            context.Response.Headers.RetryAfter = "5";
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static string Describe(BadHttpRequestException exception) => exception.InnerException is JsonException json
        ? $"The body is not valid JSON for this endpoint: {json.Message}"
        : exception.Message;
}
