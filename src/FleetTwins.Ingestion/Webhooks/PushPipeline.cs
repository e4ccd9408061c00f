using FleetTwins.Abstractions.Persistence;
using FleetTwins.Grains.Delivery;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Routing;
using FleetTwins.Ingestion.Telemetry;
using FleetTwins.Signatures;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Ingestion.Webhooks;

/// <summary>
/// The steps every push delivery shares, whatever proves its sender: the source address, the signature headers (before the body
/// and again over it), the body within its deadline and the in-flight budgets, the provider's rate limit, routing a parse to the
/// twins, and counting and logging a refusal.
/// </summary>
public sealed class PushPipeline(PushBodyReader reader, SourceAllowList sources, IPushRateLimit rateLimit, TwinEventRouter router,
    IngestionMetrics metrics, TimeProvider clock, ILoggerFactory loggers)
{
    private readonly ILogger logger = loggers.CreateLogger("FleetTwins.Webhooks");

    /// <summary>A delivery from an address the provider's allow-list does not hold: a refusal, or null.</summary>
    public PushOutcome? SourceRefused(string provider, PushDelivery delivery) =>
        sources.Allows(provider, delivery.RemoteAddress)
            ? null
            : Reject(provider, new PushOutcome.Forbidden($"source address {delivery.RemoteAddress} may not deliver {provider} events"));

    /// <summary>
    /// What the signature headers alone refuse (absent, repeated, malformed, a timestamp outside the tolerance), before
    /// the body is read: such a delivery never holds body bytes. Null when they may be signed; the body decides.
    /// </summary>
    public PushOutcome? HeadersRefused(string provider, SvixVerifier verifier, PushDelivery delivery)
    {
        var headers = SignatureHeaders(delivery, out var headerError);
        var refusal = headerError is not null ? new PushOutcome.Unauthorized(headerError)
            : verifier.HeadersError(headers, clock.GetUtcNow()) is { } error ? new PushOutcome.Unauthorized($"signature rejected: {error}")
            : null;
        return refusal is null ? null : Reject(provider, refusal);
    }

    public Task<PushBody> ReadAsync(string provider, PushDelivery delivery, CancellationToken cancellationToken) =>
        reader.ReadAsync(provider, delivery, cancellationToken);

    /// <summary>A delivery's Svix / Standard Webhooks signature over its body: the verification, or why it failed.</summary>
    public (SvixVerification Verification, PushOutcome? Refusal) Verify(SvixVerifier verifier, PushDelivery delivery, ReadOnlyMemory<byte> body)
    {
        var headers = SignatureHeaders(delivery, out var headerError);
        if (headerError is not null)
        {
            return (default, new PushOutcome.Unauthorized(headerError));
        }

        var verification = verifier.Verify(headers, body.Span, clock.GetUtcNow());
        return verification.IsValid ? (verification, null) : (verification, new PushOutcome.Unauthorized($"signature rejected: {verification.Error}"));
    }

    /// <summary>The provider's rate limit, taken from once its credentials are checked: a refusal, or null.</summary>
    public PushOutcome? RateLimited(string provider) =>
        rateLimit.RetryAfterSeconds(provider) is { } seconds
            ? Reject(provider, new PushOutcome.RateLimited($"Too many requests for this credential; retry after {seconds} s.", seconds))
            : null;

    /// <summary>
    /// Routes a parsed delivery: the outcome, and whether the delivery was answered (applied, a duplicate or an
    /// unknown type). <paramref name="successMessage"/> replaces the message of every success.
    /// </summary>
    public async Task<(PushOutcome Outcome, bool Answered)> IngestAsync(
        string deliveryId, string provider, ParseOutcome outcome, string? successMessage = null)
    {
        using var scope = logger.BeginScope("{Provider} delivery {EventId}", provider, deliveryId);
        switch (outcome)
        {
            case ParseOutcome.Invalid invalid:
                return (Reject(provider, new PushOutcome.BadRequest(invalid.Reason)), false);
            case ParseOutcome.UnknownType unknown:
                metrics.Count(provider, unknown.EventType, "unknown-type");
                var type = EventTypeText.Shorten(unknown.EventType);
                logger.LogInformation("Accepted {Provider} delivery {DeliveryId} of unknown type {EventType}", provider, deliveryId, type);
                return (new PushOutcome.Accepted(successMessage ?? $"Event type '{type}' is not handled; accepted and counted."), true);
        }

        var accepted = (ParseOutcome.Accepted)outcome;
        try
        {
            var result = await router.RouteMeasuredAsync(metrics, deliveryId, provider, accepted);
            return (successMessage is not null ? new PushOutcome.Accepted(successMessage)
                : result.IsDuplicate ? DuplicateAnswer : Applied, true);
        }
        catch (Exception e) when (TransientFailure.Is(e))
        {
            logger.LogWarning(e, "{Provider} delivery {DeliveryId} not applied: storage or cluster unavailable", provider, deliveryId);
            return (new PushOutcome.Unavailable("Storage or cluster unavailable; retry later."), false);
        }
        catch (Exception e) when (StorageRefusedException.In(e) is { } refused)
        {
            metrics.Count(provider, accepted.EventType, "storage-refused");
            logger.LogError("{Provider} delivery {DeliveryId} not applied: storage refuses writes: {Reason}", provider, deliveryId, refused.Message);
            return (new PushOutcome.StorageRefused("Storage refuses writes until an operator acts; the delivery was not applied."), false);
        }
        catch (Exception e)
        {
            metrics.Count(provider, accepted.EventType, "failed");
            logger.LogError(e, "{Provider} delivery {DeliveryId} failed", provider, deliveryId);
            return (new PushOutcome.Failed("The event could not be applied."), false);
        }
    }

    /// <summary>A delivery this silo answered before, counted as a duplicate of its type.</summary>
    public PushOutcome Duplicate(string provider, string eventType)
    {
        metrics.Count(provider, eventType, "duplicate");
        return DuplicateAnswer;
    }

    /// <summary>Counts and logs a refusal of a delivery, and returns it.</summary>
    public PushOutcome Reject(string provider, PushOutcome refusal)
    {
        metrics.Count(provider, "", refusal switch
        {
            PushOutcome.BadRequest => "invalid",
            PushOutcome.Unauthorized => "unauthorized",
            PushOutcome.Forbidden => "forbidden-source",
            PushOutcome.TooLarge => "too-large",
            PushOutcome.TimedOut => "timed-out",
            PushOutcome.RateLimited => "rate-limited",
            PushOutcome.Busy => "busy",
            _ => "rejected",
        });
        logger.LogWarning("Rejected {Provider} delivery with {Status}: {Reason}", provider, refusal.Status, refusal.Message);
        return refusal;
    }

    /// <summary>The svix-* headers, or their unbranded webhook-* names; a header sent twice is refused.</summary>
    private static SvixHeaders SignatureHeaders(PushDelivery delivery, out string? error)
    {
        string? duplicated = null;
        string? Single(string name)
        {
            var svix = delivery.Header($"svix-{name}");
            var values = svix.Count > 0 ? svix : delivery.Header($"webhook-{name}");
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

    private static readonly PushOutcome Applied = new PushOutcome.Accepted(PushOutcome.AppliedMessage);
    private static readonly PushOutcome DuplicateAnswer = new PushOutcome.Duplicate();
}
