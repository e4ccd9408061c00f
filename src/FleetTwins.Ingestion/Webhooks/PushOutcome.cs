namespace FleetTwins.Ingestion.Webhooks;

/// <summary>
/// What became of a pushed delivery: the HTTP status that answers it (the push endpoints' contract), the message its
/// sender reads, and, for the refusals that ask for a retry, how many seconds to wait.
/// </summary>
public abstract record PushOutcome(int Status, string Message)
{
    public const string AppliedMessage = "Event applied.";
    public const string DuplicateMessage = "Duplicate delivery; already applied.";

    public virtual int? RetryAfterSeconds => null;

    /// <summary>Taken: applied by its twins, an unknown type counted, or (benchmark floor) only verified.</summary>
    public sealed record Accepted(string Message) : PushOutcome(200, Message);

    /// <summary>Every twin, or the silo's recent message ids, had it already: a provider's retry.</summary>
    public sealed record Duplicate() : PushOutcome(200, DuplicateMessage);

    /// <summary>Malformed or invalid; the message names the field.</summary>
    public sealed record BadRequest(string Message) : PushOutcome(400, Message);

    /// <summary>Its signature or token does not hold.</summary>
    public sealed record Unauthorized(string Message) : PushOutcome(401, Message);

    /// <summary>Its client address may not deliver for the provider.</summary>
    public sealed record Forbidden(string Message) : PushOutcome(403, Message);

    /// <summary>Its body is over <c>Ingestion:MaxBodyBytes</c>.</summary>
    public sealed record TooLarge(string Message) : PushOutcome(413, Message);

    /// <summary>Its body did not arrive within <c>Ingestion:BodyTimeout</c>: a stalled or dripping sender, cut off.</summary>
    public sealed record TimedOut(string Message) : PushOutcome(408, Message);

    /// <summary>The provider's rate limit is spent for now.</summary>
    public sealed record RateLimited(string Message, int Seconds) : PushOutcome(429, Message)
    {
        public override int? RetryAfterSeconds => Seconds;
    }

    /// <summary>Too many body bytes in flight (in all, for the provider or from the address): worth a retry a second later.</summary>
    public sealed record Busy(string Message) : PushOutcome(503, Message)
    {
        public override int? RetryAfterSeconds => 1;
    }

    /// <summary>Storage or the cluster failed it: a retry once they are back.</summary>
    public sealed record Unavailable(string Message) : PushOutcome(503, Message)
    {
        public override int? RetryAfterSeconds => 5;
    }

    /// <summary>Storage refuses writes (read-only, damaged) until an operator acts: a retry will not help before that.</summary>
    public sealed record StorageRefused(string Message) : PushOutcome(507, Message);

    /// <summary>Applying it failed otherwise.</summary>
    public sealed record Failed(string Message) : PushOutcome(500, Message);
}
