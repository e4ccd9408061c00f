using System.Security.Cryptography;
using System.Text;
using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Delivery;
using FleetTwins.Ingestion.Telemetry;
using FleetTwins.Host.Hosting;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Providers.Telematica;
using FleetTwins.Ingestion.Providers.Tracker;
using FleetTwins.Ingestion.Providers.Volteras;
using FleetTwins.Ingestion.Routing;
using FleetTwins.Signatures;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace FleetTwins.Host.Webhooks;

/// <summary>
/// The push endpoints: Telematica and Volteras (Svix-signed) and GPS trackers (bearer token). Each answers 200
/// only after the twins have applied and persisted the delivery (or recognised it as a duplicate); every error
/// is <c>{"status":"error","message":...}</c> with 400, 401, 403, 413, 429 or 503 (retry).
/// </summary>
public static class WebhookEndpoints
{
    public static WebApplicationBuilder AddFleetTwinsWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>().Bind(builder.Configuration.GetSection(IngestionOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidator>();
        builder.Services.AddKeyedSingleton(Sources.Telematica, (sp, _) =>
            new SvixVerifier(sp.GetRequiredService<IOptions<IngestionOptions>>().Value.Telematica.Secrets));
        builder.Services.AddKeyedSingleton(Sources.Volteras, (sp, _) =>
            new SvixVerifier(sp.GetRequiredService<IOptions<IngestionOptions>>().Value.Volteras.Secrets));
        builder.Services.AddKeyedSingleton(Sources.Tracker, (sp, _) =>
            new SvixVerifier(sp.GetRequiredService<IOptions<IngestionOptions>>().Value.Tracker.Secrets));
        builder.Services.AddSingleton<WebhookBodyReader>();
        builder.Services.AddSingleton(sp => new RecentMessageIds(sp.GetRequiredService<TimeProvider>()));
        // Webhooks and AMQP ingestion share one clock and its future skew.
        builder.Services.AddSingleton(sp => new IngestionClock(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<IngestionOptions>>().Value.MaxFutureSkew));
        return builder;
    }

    public static WebApplication MapFleetTwinsWebhooks(this WebApplication app)
    {
        var webhooks = app.MapGroup("/webhooks").WithTags("Webhooks").AllowAnonymous();
        var ingestion = Ingestion(app.Configuration);
        if (ingestion.Telematica.Enabled)
        {
            webhooks.MapPost("/telematica", (HttpContext context, [FromKeyedServices(Sources.Telematica)] SvixVerifier verifier) =>
                SignedAsync(context, verifier, Sources.Telematica, (body, at, limit) => TelematicaParser.Parse(body, at, limit)))
                .AllowOnlyFrom(Sources.Telematica, "Telematica", ingestion.Telematica);
        }

        if (ingestion.Volteras.Enabled)
        {
            webhooks.MapPost("/volteras", (HttpContext context, [FromKeyedServices(Sources.Volteras)] SvixVerifier verifier) =>
                SignedAsync(context, verifier, Sources.Volteras, (body, at, limit) => VolterasParser.Parse(body, null, at, limit)))
                .AllowOnlyFrom(Sources.Volteras, "Volteras", ingestion.Volteras);
            // A type this service does not know is accepted and counted (the parser says so), once the signature holds.
            webhooks.MapPost("/volteras/{eventType}", (HttpContext context, string eventType, [FromKeyedServices(Sources.Volteras)] SvixVerifier verifier) =>
                SignedAsync(context, verifier, Sources.Volteras, (body, at, limit) => VolterasParser.Parse(body, eventType, at, limit)))
                .AllowOnlyFrom(Sources.Volteras, "Volteras", ingestion.Volteras);
        }

        if (ingestion.Tracker.Enabled)
        {
            webhooks.MapPost("/tracker", TrackerAsync).AllowOnlyFrom(Sources.Tracker, "Tracker", ingestion.Tracker);
        }

        if (app.Configuration.GetValue<bool>("Benchmark:FloorEndpoints"))
        {
            // The benchmark's floor (tools/bench/webhook.sh): the same body read and signature check, no parse, no grain.
            webhooks.MapPost("/floor/volteras/{eventType}", (HttpContext context, [FromKeyedServices(Sources.Volteras)] SvixVerifier verifier) =>
                SignedAsync(context, verifier, Sources.Volteras, parse: null)).ExcludeFromDescription();
        }

        return app;
    }

    /// <summary>With an allow-list configured, a delivery from any other client address is refused (403) unread.</summary>
    private static RouteHandlerBuilder AllowOnlyFrom(this RouteHandlerBuilder endpoint, string provider, string section, IPushEndpointOptions options)
    {
        if (options.AllowedSources.Count == 0)
        {
            return endpoint;
        }

        var allowed = options.AllowedSources.Select((a, i) => ForwardedAddresses.Network(a, $"Ingestion:{section}:AllowedSources:{i}")).ToList();
        return endpoint.AddEndpointFilter(async (invocation, next) =>
        {
            var address = invocation.HttpContext.Connection.RemoteIpAddress;
            return ForwardedAddresses.IsIn(address, allowed)
                ? await next(invocation)
                : Reject(invocation.HttpContext, provider, 403, $"source address {address} may not deliver {provider} events");
        });
    }

    /// <summary>A delivery's Svix / Standard Webhooks signature over its body: the verification, or why it failed.</summary>
    private static (SvixVerification Verification, string? Error) Verify(HttpContext context, SvixVerifier verifier, ReadOnlyMemory<byte> body)
    {
        var headers = SignatureHeaders(context.Request.Headers, out var headerError);
        if (headerError is not null)
        {
            return (default, headerError);
        }

        var verification = verifier.Verify(headers, body.Span, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        return verification.IsValid ? (verification, null) : (verification, $"signature rejected: {verification.Error}");
    }

    private static IngestionOptions Ingestion(IConfiguration configuration) =>
        configuration.GetSection(IngestionOptions.Section).Get<IngestionOptions>() ?? new IngestionOptions();

    /// <summary>
    /// A Svix-signed delivery: body (pooled, within the in-flight budgets), signature, the provider's rate limit, parse;
    /// a message id answered within its signature's window is a duplicate, else route and answer.
    /// </summary>
    private static async Task<IResult> SignedAsync(
        HttpContext context, SvixVerifier verifier, string provider, Func<ReadOnlyMemory<byte>, DateTimeOffset, FutureLimit, ParseOutcome>? parse)
    {
        ParseOutcome outcome;
        SvixVerification verification;
        var recent = context.RequestServices.GetRequiredService<RecentMessageIds>();
        using (var body = await context.RequestServices.GetRequiredService<WebhookBodyReader>().ReadAsync(context, provider))
        {
            if (body.Refusal is { } refusal)
            {
                return Reject(context, provider, body.Status, refusal);
            }

            (verification, var signatureError) = Verify(context, verifier, body.Memory);
            if (signatureError is not null)
            {
                return Reject(context, provider, 401, signatureError);
            }

            if (RateLimited(context, provider) is { } tooMany)
            {
                return tooMany;
            }

            if (parse is null)
            {
                return Success("Verified; not applied (benchmark floor).");
            }

            outcome = parse(body.Memory, verification.Timestamp, context.RequestServices.GetRequiredService<IngestionClock>().Now());
        }

        if (outcome is ParseOutcome.Accepted or ParseOutcome.UnknownType && recent.Contains(provider, verification.MessageId!))
        {
            var type = outcome is ParseOutcome.Accepted accepted ? accepted.EventType : ((ParseOutcome.UnknownType)outcome).EventType;
            context.RequestServices.GetRequiredService<IngestionMetrics>().Count(provider, type, "duplicate");
            return Success(Duplicate);
        }

        var (answer, answered) = await IngestAsync(context, provider, $"{provider}:{verification.MessageId}", outcome);
        if (answered)
        {
            recent.Remember(provider, verification.MessageId!, verification.Timestamp);
        }

        return answer;
    }

    private static async Task<IResult> TrackerAsync(HttpContext context, IOptions<IngestionOptions> options)
    {
        const string provider = Sources.Tracker;
        var tracker = options.Value.Tracker;
        TrackerParse parsed;
        using (var body = await context.RequestServices.GetRequiredService<WebhookBodyReader>().ReadAsync(context, provider))
        {
            if (body.Refusal is { } refusal)
            {
                return Reject(context, provider, body.Status, refusal);
            }

            if (BearerError(context.Request.Headers.Authorization, tracker.Tokens) is { } authError)
            {
                return Reject(context, provider, 401, authError);
            }

            // Optional, on top of the token: a Standard Webhooks signature (webhook-id/-timestamp/-signature headers).
            if (tracker.Secrets.Count > 0
                && Verify(context, context.RequestServices.GetRequiredKeyedService<SvixVerifier>(Sources.Tracker), body.Memory).Error is { } signatureError)
            {
                return Reject(context, provider, 401, signatureError);
            }

            if (RateLimited(context, provider) is { } tooMany)
            {
                return tooMany;
            }

            parsed = TrackerParser.Parse(body.Memory, tracker.MaxClockSkew, context.RequestServices.GetRequiredService<IngestionClock>().Now());
        }

        return (await IngestAsync(context, provider, parsed.DeliveryId ?? "", parsed.Outcome, "Event received successfully.")).Answer;
    }

    /// <summary>The provider's rate limit, taken from once its credentials are checked: a 429 with Retry-After, or null.</summary>
    private static IResult? RateLimited(HttpContext context, string provider)
    {
        if (context.RequestServices.GetRequiredService<WebhookRateLimiter>().RetryAfterSeconds(provider) is not { } seconds)
        {
            return null;
        }

        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Reject(context, provider, 429, $"Too many requests for this credential; retry after {seconds} s.");
    }

    /// <summary>Routes a parsed delivery: the answer, and whether it was 200 (applied, duplicate or an unknown type).</summary>
    private static async Task<(IResult Answer, bool Answered)> IngestAsync(
        HttpContext context, string provider, string deliveryId, ParseOutcome outcome, string? successMessage = null)
    {
        var metrics = context.RequestServices.GetRequiredService<IngestionMetrics>();
        using var scope = Logger(context).BeginScope("{Provider} delivery {EventId}", provider, deliveryId);
        switch (outcome)
        {
            case ParseOutcome.Invalid invalid:
                return (Reject(context, provider, 400, invalid.Reason), false);
            case ParseOutcome.UnknownType unknown:
                metrics.Count(provider, unknown.EventType, "unknown-type");
                var type = EventTypeText.Shorten(unknown.EventType);
                Logger(context).LogInformation("Accepted {Provider} delivery {DeliveryId} of unknown type {EventType}", provider, deliveryId, type);
                return (Success(successMessage ?? $"Event type '{type}' is not handled; accepted and counted."), true);
        }

        var accepted = (ParseOutcome.Accepted)outcome;
        try
        {
            var result = await context.RequestServices.GetRequiredService<TwinEventRouter>().RouteMeasuredAsync(metrics, provider, deliveryId, accepted);
            return (Success(successMessage ?? (result.IsDuplicate ? Duplicate : Applied)), true);
        }
        catch (Exception e) when (TransientFailure.Is(e))
        {
            Logger(context).LogWarning(e, "{Provider} delivery {DeliveryId} not applied: storage or cluster unavailable", provider, deliveryId);
            context.Response.Headers.RetryAfter = "5";
            return (Error(503, "Storage or cluster unavailable; retry later."), false);
        }
        catch (Exception e)
        {
            metrics.Count(provider, accepted.EventType, "failed");
            Logger(context).LogError(e, "{Provider} delivery {DeliveryId} failed", provider, deliveryId);
            return (Error(500, "The event could not be applied."), false);
        }
    }

    /// <summary>The svix-* headers, or their unbranded webhook-* names; a header sent twice is refused.</summary>
    private static SvixHeaders SignatureHeaders(IHeaderDictionary headers, out string? error)
    {
        string? duplicated = null;
        string? Single(string name)
        {
            var svix = headers[$"svix-{name}"];
            var values = svix.Count > 0 ? svix : headers[$"webhook-{name}"];
            if (values.Count > 1)
            {
                duplicated ??= $"the {name} signature header appears more than once";
            }

            return values.Count == 1 ? values[0] : null;
        }

        var result = new SvixHeaders(Single("id"), Single("timestamp"), Single("signature"));
        error = duplicated;
        return result;
    }

    /// <summary>Checks <c>Authorization: Bearer &lt;token&gt;</c> against the configured tokens in constant time.</summary>
    private static string? BearerError(StringValues authorization, IReadOnlyList<string> tokens)
    {
        if (tokens.Count == 0)
        {
            return "no tracker token is configured (Ingestion__Tracker__Tokens__0)";
        }

        if (authorization.Count != 1 || authorization[0] is not { } header || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return "missing Authorization: Bearer <token> header";
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        var match = false;
        foreach (var token in tokens)
        {
            match |= CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        }

        return match ? null : "invalid bearer token";
    }

    private static IResult Reject(HttpContext context, string provider, int status, string reason)
    {
        context.RequestServices.GetRequiredService<IngestionMetrics>().Count(provider, "", status switch
        {
            400 => "invalid",
            401 => "unauthorized",
            403 => "forbidden-source",
            413 => "too-large",
            429 => "rate-limited",
            503 => "busy",
            _ => "rejected",
        });
        if (status == 503)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        Logger(context).LogWarning("Rejected {Provider} delivery with {Status}: {Reason}", provider, status, reason);
        return Error(status, reason);
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("FleetTwins.Webhooks");

    private static IResult Success(string message) => message switch
    {
        Applied => AppliedAnswer,
        Duplicate => DuplicateAnswer,
        _ => Results.Json(new WebhookAnswer("success", message), statusCode: 200),
    };

    private const string Applied = "Event applied.";
    private const string Duplicate = "Duplicate delivery; already applied.";

    // The two answers nearly every delivery gets, serialized once: JSON serialization per answer measured ~3 % of the
    // host's CPU on the durable path (docs/PERFORMANCE.md, the profile).
    private static readonly IResult AppliedAnswer = Results.Bytes(
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new WebhookAnswer("success", Applied), System.Text.Json.JsonSerializerOptions.Web), "application/json");

    private static readonly IResult DuplicateAnswer = Results.Bytes(
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new WebhookAnswer("success", Duplicate), System.Text.Json.JsonSerializerOptions.Web), "application/json");

    private static IResult Error(int status, string message) => Results.Json(new WebhookAnswer("error", message), statusCode: status);

    /// <summary>Writes the webhook error body, for answers made outside an endpoint (rate limits, exceptions, empty 4xx).</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string message, CancellationToken cancellationToken = default)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new WebhookAnswer("error", message), cancellationToken);
    }

    /// <summary>The answer body every push endpoint gives.</summary>
    public sealed record WebhookAnswer(string Status, string Message);
}
