using FleetTwins.Abstractions.Events;
using FleetTwins.Ingestion.Options;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Providers.Telematica;
using FleetTwins.Ingestion.Providers.Volteras;
using FleetTwins.Signatures;
using Microsoft.Extensions.Options;

namespace FleetTwins.Ingestion.Webhooks;

/// <summary>
/// A Svix-signed delivery of Telematica or Volteras, from its bytes to its answer: the signature headers, the body within
/// its deadline and the in-flight budgets, the signature over it, the provider's rate limit, the parse; a message id
/// answered within its signature's window is a duplicate, else its twins apply it. Answered only once they have
/// persisted it (or recognised it).
/// </summary>
public sealed class SignedWebhookIngestion(PushPipeline pipeline, RecentMessageIds recent, IngestionClock clock, IOptions<IngestionOptions> options)
{
    private delegate ParseOutcome Parse(ReadOnlyMemory<byte> body, DateTimeOffset signedAt, FutureLimit limit);

    private readonly Dictionary<string, SvixVerifier> verifiers = new(StringComparer.Ordinal)
    {
        [Sources.Telematica] = new SvixVerifier(options.Value.Telematica.Secrets),
        [Sources.Volteras] = new SvixVerifier(options.Value.Volteras.Secrets),
    };

    /// <summary>
    /// A delivery of <paramref name="provider"/>; a Volteras one of the <paramref name="eventType"/> its path names, if
    /// any (a type this service does not know is accepted and counted, once the signature holds).
    /// </summary>
    public Task<PushOutcome> AcceptAsync(string provider, string? eventType, PushDelivery delivery, CancellationToken cancellationToken) =>
        AcceptAsync(provider, delivery, provider switch
        {
            Sources.Telematica => (body, at, limit) => TelematicaParser.Parse(body, at, limit),
            Sources.Volteras => (body, at, limit) => VolterasParser.Parse(body, eventType, at, limit),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "not a Svix-signed provider"),
        }, cancellationToken);

    /// <summary>The benchmark's floor: the same body read and signature check, no parse, no twin.</summary>
    public Task<PushOutcome> VerifyOnlyAsync(string provider, PushDelivery delivery, CancellationToken cancellationToken) =>
        AcceptAsync(provider, delivery, parse: null, cancellationToken);

    private async Task<PushOutcome> AcceptAsync(string provider, PushDelivery delivery, Parse? parse, CancellationToken cancellationToken)
    {
        if (pipeline.SourceRefused(provider, delivery) is { } forbidden)
        {
            return forbidden;
        }

        var verifier = verifiers[provider];
        if (pipeline.HeadersRefused(provider, verifier, delivery) is { } unsigned)
        {
            return unsigned;
        }

        ParseOutcome outcome;
        SvixVerification verification;
        using (var body = await pipeline.ReadAsync(provider, delivery, cancellationToken))
        {
            if (body.Refusal is { } refusal)
            {
                return pipeline.Reject(provider, refusal);
            }

            (verification, var signatureRefusal) = pipeline.Verify(verifier, delivery, body.Memory);
            if (signatureRefusal is not null)
            {
                return pipeline.Reject(provider, signatureRefusal);
            }

            if (pipeline.RateLimited(provider) is { } tooMany)
            {
                return tooMany;
            }

            if (parse is null)
            {
                return new PushOutcome.Accepted("Verified; not applied (benchmark floor).");
            }

            outcome = parse(body.Memory, verification.Timestamp, clock.Now());
        }

        if (outcome is ParseOutcome.Accepted or ParseOutcome.UnknownType && recent.Contains(provider, verification.MessageId!))
        {
            var type = outcome is ParseOutcome.Accepted accepted ? accepted.EventType : ((ParseOutcome.UnknownType)outcome).EventType;
            return pipeline.Duplicate(provider, type);
        }

        var (answer, answered) = await pipeline.IngestAsync($"{provider}:{verification.MessageId}", provider, outcome);
        if (answered)
        {
            recent.Remember(provider, verification.MessageId!, verification.Timestamp);
        }

        return answer;
    }
}
