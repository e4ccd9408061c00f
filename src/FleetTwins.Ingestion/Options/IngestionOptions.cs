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
