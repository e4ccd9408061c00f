namespace FleetTwins.Host.Options;

/// <summary>The <c>Ingestion</c> configuration section: secrets, tokens and limits of the push endpoints.</summary>
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

    /// <summary><c>Ingestion__Invers__Queues__N</c> and the AMQP consumer's tuning; the broker is <c>ConnectionStrings__RabbitMQ</c>.</summary>
    public InversOptions Invers { get; set; } = new();

    /// <summary>The push endpoints by the configuration key of their credentials.</summary>
    public IEnumerable<(string Provider, string CredentialKey, IPushEndpointOptions Options)> PushEndpoints =>
    [
        ("Telematica", "Ingestion__Telematica__Secrets__0", Telematica),
        ("Volteras", "Ingestion__Volteras__Secrets__0", Volteras),
        ("Tracker", "Ingestion__Tracker__Tokens__0", Tracker),
    ];

    /// <summary>
    /// Outside the embedded profile an enabled push endpoint without credentials would refuse every delivery: a
    /// mistake to catch at start-up, not in the providers' retry queues.
    /// </summary>
    public void RequireCredentials()
    {
        var missing = PushEndpoints.Where(e => e.Options.Enabled && !e.Options.HasCredentials).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The cluster profile does not serve a webhook endpoint without credentials: set {string.Join(", ", missing.Select(m => m.CredentialKey))}" +
                $" or turn the endpoint off ({string.Join(", ", missing.Select(m => $"Ingestion__{m.Provider}__Enabled=false"))}).");
        }
    }
}

/// <summary>INVERS OneAPI over AMQP: the queues (one per subscribed topic) and how they are consumed.</summary>
public sealed class InversOptions
{
    public List<string> Queues { get; set; } = [];

    /// <summary>Messages the broker sends ahead of acknowledgement, per queue.</summary>
    public ushort PrefetchCount { get; set; } = 1000;

    /// <summary>Messages held per queue between receipt and acknowledgement.</summary>
    public int CacheSize { get; set; } = 1000;

    /// <summary>Our own queue for messages that cannot be applied (INVERS queues take no dead-letter arguments).</summary>
    public string ParkingQueue { get; set; } = "fleettwins.invers.parked";

    /// <summary>How long delivery of one message to its twin may keep failing before it is parked.</summary>
    public TimeSpan MaxDeliveryTime { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>A Svix-signed provider: one or more <c>whsec_</c> secrets (several during rotation).</summary>
public sealed class SignedWebhookOptions : IPushEndpointOptions
{
    public bool Enabled { get; set; } = true;

    public List<string> AllowedSources { get; set; } = [];

    public List<string> Secrets { get; set; } = [];

    bool IPushEndpointOptions.HasCredentials => Secrets.Count > 0;
}

/// <summary>A push endpoint: served unless disabled, and in the cluster profile only with credentials to check.</summary>
public interface IPushEndpointOptions
{
    /// <summary><c>false</c> leaves the endpoint unmapped (404), for a provider this installation does not use.</summary>
    bool Enabled { get; }

    /// <summary>
    /// <c>Ingestion__{Provider}__AllowedSources__N</c>: the addresses or CIDR ranges deliveries may come from
    /// (the client address, as <see cref="Hosting.ForwardedAddresses"/> establishes it); none: any.
    /// </summary>
    List<string> AllowedSources { get; }

    bool HasCredentials { get; }
}

/// <summary>The GPS tracker push endpoint.</summary>
public sealed class TrackerOptions : IPushEndpointOptions
{
    public bool Enabled { get; set; } = true;

    public List<string> AllowedSources { get; set; } = [];

    bool IPushEndpointOptions.HasCredentials => Tokens.Count > 0;

    /// <summary><c>Ingestion__Tracker__Tokens__N</c>: bearer tokens a tracker platform may present.</summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>
    /// <c>Ingestion__Tracker__Secrets__N</c>: optional <c>whsec_</c> secrets. The tracker document names a request
    /// signature as an enterprise option without specifying one; with secrets set, every push must also carry a
    /// Standard Webhooks signature (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>).
    /// </summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>How far Device_Time may be ahead of Server_Time before the push is refused.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(2);
}
