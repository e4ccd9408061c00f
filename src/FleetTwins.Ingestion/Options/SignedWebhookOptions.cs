namespace FleetTwins.Ingestion.Options;

/// <summary>A Svix-signed provider: one or more <c>whsec_</c> secrets (several during rotation).</summary>
public sealed class SignedWebhookOptions : IPushEndpointOptions
{
    public bool Enabled { get; set; } = true;

    public List<string> AllowedSources { get; set; } = [];

    public List<string> Secrets { get; set; } = [];

    bool IPushEndpointOptions.HasCredentials => Secrets.Count > 0;
}
