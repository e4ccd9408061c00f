using System.Globalization;
using System.Text.Json;
using FleetTwins.Ingestion.Webhooks;

namespace FleetTwins.Host.Webhooks;

/// <summary>A push delivery between HTTP and ingestion: the request as a <see cref="PushDelivery"/>, the outcome as the answer.</summary>
public static class PushHttp
{
    /// <summary>The answer body every push endpoint gives.</summary>
    public sealed record WebhookAnswer(string Status, string Message);

    public static PushDelivery Delivery(this HttpRequest request) =>
        new(request.Body, request.ContentLength, name => request.Headers[name], request.HttpContext.Connection.RemoteIpAddress);

    /// <summary>Writes the webhook error body, for answers made outside an endpoint (rate limits, exceptions, empty 4xx).</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string message, CancellationToken cancellationToken = default)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new WebhookAnswer("error", message), cancellationToken);
    }

    public static async Task<IResult> Answer(this Task<PushOutcome> outcome) => Answer(await outcome);

    /// <summary>The outcome's status and <c>{"status":...,"message":...}</c>, with <c>Retry-After</c> when it asks for a retry.</summary>
    public static IResult Answer(PushOutcome outcome) => outcome switch
    {
        PushOutcome.Accepted { Message: PushOutcome.AppliedMessage } => AppliedAnswer,
        PushOutcome.Duplicate => DuplicateAnswer,
        PushOutcome.TimedOut => new CloseAfter(Json(outcome)),
        { RetryAfterSeconds: { } seconds } => new RetryAfter(seconds, Json(outcome)),
        _ => Json(outcome),
    };

    private static IResult Json(PushOutcome outcome) =>
        Results.Json(new WebhookAnswer(outcome.Status == StatusCodes.Status200OK ? "success" : "error", outcome.Message), statusCode: outcome.Status);

    // The two answers nearly every delivery gets, serialized once: JSON serialization per answer measured ~3 % of the
    // host's CPU on the durable path (docs/PERFORMANCE.md, the profile).
    private static readonly IResult AppliedAnswer = Results.Bytes(
        JsonSerializer.SerializeToUtf8Bytes(new WebhookAnswer("success", PushOutcome.AppliedMessage), JsonSerializerOptions.Web), "application/json");

    private static readonly IResult DuplicateAnswer = Results.Bytes(
        JsonSerializer.SerializeToUtf8Bytes(new WebhookAnswer("success", PushOutcome.DuplicateMessage), JsonSerializerOptions.Web), "application/json");

    /// <summary>An answer after which the HTTP/1.1 connection closes: the rest of a body cut off is never drained.</summary>
    private sealed class CloseAfter(IResult answer) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (HttpProtocol.IsHttp11(httpContext.Request.Protocol))
            {
                httpContext.Response.Headers.Connection = "close";
            }

            return answer.ExecuteAsync(httpContext);
        }
    }

    private sealed class RetryAfter(int seconds, IResult answer) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return answer.ExecuteAsync(httpContext);
        }
    }
}
