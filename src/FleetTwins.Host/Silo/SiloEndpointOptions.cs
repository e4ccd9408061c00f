namespace FleetTwins.Host.Silo;

/// <summary>Where this silo listens for other silos and for Orleans clients.</summary>
public sealed class SiloEndpointOptions
{
    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at; defaults to <c>POD_IP</c>, else loopback.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>The silo name; defaults to <c>POD_NAME</c>, else the machine name with the silo port.</summary>
    public string? Name { get; set; }

    /// <summary>Mutual TLS on both ports; off unless a certificate is configured.</summary>
    public SiloTlsOptions Tls { get; set; } = new();
}
