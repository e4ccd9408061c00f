namespace FleetTwins.Host.Silo;

/// <summary>
/// <c>FleetTwins:Silo:Tls</c>: mutual TLS on the silo-to-silo and gateway ports (Microsoft.Orleans.Connections.Security),
/// on when <see cref="CertificatePath"/> is set. Both sides of every connection present a certificate, and accept one
/// that is the configured certificate itself or, with <see cref="TrustedCertificatePath"/>, issued by that CA: an Orleans
/// client without one cannot join, whatever cluster and service ids it knows.
/// </summary>
public sealed class SiloTlsOptions
{
    /// <summary>A PKCS#12 (.pfx) file with the silos' certificate and its private key.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Optional: a CA certificate (.crt/.pem/.cer); certificates it issued are accepted besides the silos' own.</summary>
    public string? TrustedCertificatePath { get; set; }
}
