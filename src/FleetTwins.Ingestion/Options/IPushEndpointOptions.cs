namespace FleetTwins.Ingestion.Options;

/// <summary>A push endpoint: served unless disabled, and in the cluster profile only with credentials to check.</summary>
public interface IPushEndpointOptions
{
    /// <summary><c>false</c> leaves the endpoint unmapped (404), for a provider this installation does not use.</summary>
    bool Enabled { get; }

    /// <summary>
    /// <c>Ingestion__{Provider}__AllowedSources__N</c>: the addresses or CIDR ranges deliveries may come from
    /// (the client address, as the host establishes it behind its proxies); none: any.
    /// </summary>
    List<string> AllowedSources { get; }

    bool HasCredentials { get; }
}
