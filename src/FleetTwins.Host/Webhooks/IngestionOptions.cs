namespace FleetTwins.Host.Webhooks;

/// <summary>The <c>Ingestion</c> configuration section: secrets, tokens and limits of the push endpoints (INVERS over AMQP: <c>Amqp/InversOptions</c>).</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Largest webhook body accepted (413 beyond); 1 MiB by default.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

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
