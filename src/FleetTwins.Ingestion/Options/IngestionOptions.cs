using FleetTwins.Ingestion.Parsing;

namespace FleetTwins.Ingestion.Options;

/// <summary>The <c>Ingestion</c> configuration section: secrets, tokens and limits of the push endpoints (INVERS over AMQP: <c>Amqp/InversOptions</c>).</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Largest webhook body accepted (413 beyond); 1 MiB by default.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Webhook body bytes held at once by one provider's deliveries being read or parsed (503 beyond); 32 MiB by default.</summary>
    public long MaxInFlightBytesPerProvider { get; set; } = 32L * 1024 * 1024;

    /// <summary>Webhook body bytes held at once by all deliveries (503 beyond); 64 MiB by default.</summary>
    public long MaxInFlightBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Webhook body bytes held at once by the deliveries of one client address, an IPv6 /64 counted as one (503
    /// beyond); 8 MiB by default. A body is unverified while it is held, so one source cannot take a provider's budget.
    /// </summary>
    public long MaxInFlightBytesPerSource { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// The first bytes of every webhook body, read on the delivery's own allowance: only a body beyond them is charged
    /// to the shared in-flight budgets, so small signed deliveries never wait on bytes others hold; 16 KiB by default.
    /// </summary>
    public long PerDeliveryBodyBytes { get; set; } = 16 * 1024;

    /// <summary>How long a webhook body may take to arrive once its headers have (408 beyond: a drip is cut off); 10 s by default.</summary>
    public TimeSpan BodyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How far ahead of this host's clock a provider's timestamp may be: a later one is refused (400, or parked for
    /// AMQP), as it would otherwise stay the newest reading until that date.
    /// </summary>
    public TimeSpan MaxFutureSkew { get; set; } = FutureLimit.DefaultSkew;

    /// <summary><c>Ingestion__Telematica__Secrets__N</c>: the Svix secrets of the Telematica endpoint.</summary>
    public SignedWebhookOptions Telematica { get; set; } = new();

    /// <summary><c>Ingestion__Volteras__Secrets__N</c>: the Svix secrets of the Volteras endpoints.</summary>
    public SignedWebhookOptions Volteras { get; set; } = new();

    public TrackerOptions Tracker { get; set; } = new();

    /// <summary>The push endpoints by the configuration key of their credentials.</summary>
    public IEnumerable<(string Provider, string CredentialKey, IPushEndpointOptions Options)> PushEndpoints =>
    [
        ("Telematica", "Ingestion__Telematica__Secrets__0", Telematica),
        ("Volteras", "Ingestion__Volteras__Secrets__0", Volteras),
        ("Tracker", "Ingestion__Tracker__Tokens__0", Tracker),
    ];
}
