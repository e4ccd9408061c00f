using System.Text.Json;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Grains.Delivery;
using FleetTwins.Host.Webhooks;
using Microsoft.AspNetCore.Diagnostics;

namespace FleetTwins.Host.Api;

/// <summary>
/// Turns the exceptions a request can meet into an answer that says what happened, in the shape of the endpoint
/// (problem details, or the webhook error body under <c>/webhooks</c>): a body that cannot be read is a 4xx that says
/// why; storage or cluster trouble is a 503 (retry later), storage that refuses writes (read-only, damaged) a 507;
/// anything else is a 500 whose cause is logged, not answered.
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", Describe(bad)),
            _ when TransientFailure.Is(exception) => (503, "Service unavailable", "Storage or cluster is unavailable; retry later."),
            _ when StorageRefusedException.In(exception) is not null => (507, "Insufficient storage", "Storage refuses writes until an operator acts; nothing was changed."),
            _ => (500, "Internal server error", "The request could not be served; the cause is logged."),
        };
        if (status == 503)
        {
            logger.LogWarning(exception, "Storage or cluster unavailable while serving {Method} {Path}", context.Request.Method, context.Request.Path);
            context.Response.Headers.RetryAfter = "5";
        }
        else if (status >= 500)
        {
            logger.LogError(exception, "Failed serving {Method} {Path}", context.Request.Method, context.Request.Path);
        }

        context.Response.StatusCode = status;
        if (context.Request.Path.StartsWithSegments("/webhooks"))
        {
            await PushHttp.WriteErrorAsync(context, status, detail);
            return true;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static string Describe(BadHttpRequestException exception) => exception.InnerException switch
    {
        // The reader's own words say what it could not read (an unpaired surrogate in a property name, say).
        JsonException { InnerException: InvalidOperationException reader } json => $"The body is not valid JSON for this endpoint: {json.Message} {reader.Message}",
        JsonException json => $"The body is not valid JSON for this endpoint: {json.Message}",
        _ => exception.Message,
    };
}
