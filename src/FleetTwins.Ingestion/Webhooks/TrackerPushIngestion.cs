using System.Security.Cryptography;
using System.Text;
using FleetTwins.Abstractions.Events;
using FleetTwins.Ingestion.Options;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Providers.Tracker;
using FleetTwins.Signatures;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace FleetTwins.Ingestion.Webhooks;

/// <summary>
/// A GPS tracker's push, from its bytes to its answer: the bearer token (and, with secrets configured, the signature
/// headers) before the body is read, the body within its deadline and the in-flight budgets, the signature over it,
/// the rate limit, the parse, the twins.
/// </summary>
public sealed class TrackerPushIngestion(PushPipeline pipeline, IngestionClock clock, IOptions<IngestionOptions> options)
{
    private const string Provider = Sources.Tracker;
    private const string Received = "Event received successfully.";

    private readonly TrackerOptions tracker = options.Value.Tracker;
    private readonly SvixVerifier verifier = new(options.Value.Tracker.Secrets);

    public async Task<PushOutcome> AcceptAsync(PushDelivery delivery, CancellationToken cancellationToken)
    {
        if (pipeline.SourceRefused(Provider, delivery) is { } forbidden)
        {
            return forbidden;
        }

        if (BearerError(delivery.Header("Authorization"), tracker.Tokens) is { } authError)
        {
            return pipeline.Reject(Provider, new PushOutcome.Unauthorized(authError));
        }

        if (tracker.Secrets.Count > 0 && pipeline.HeadersRefused(Provider, verifier, delivery) is { } unsigned)
        {
            return unsigned;
        }

        TrackerParse parsed;
        using (var body = await pipeline.ReadAsync(Provider, delivery, cancellationToken))
        {
            if (body.Refusal is { } refusal)
            {
                return pipeline.Reject(Provider, refusal);
            }

            // Optional, on top of the token: a Standard Webhooks signature (webhook-id/-timestamp/-signature headers).
            if (tracker.Secrets.Count > 0 && pipeline.Verify(verifier, delivery, body.Memory).Refusal is { } signatureRefusal)
            {
                return pipeline.Reject(Provider, signatureRefusal);
            }

            if (pipeline.RateLimited(Provider) is { } tooMany)
            {
                return tooMany;
            }

            parsed = TrackerParser.Parse(body.Memory, tracker.MaxClockSkew, clock.Now());
        }

        return (await pipeline.IngestAsync(parsed.DeliveryId ?? "", Provider, parsed.Outcome, Received)).Outcome;
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
}
