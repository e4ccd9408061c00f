using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FleetTwins.Host.Settings;
using Orleans.Connections.Security;

namespace FleetTwins.Host.Silo;

/// <summary>
/// Mutual TLS between silos and on the gateway when <c>FleetTwins:Silo:Tls:CertificatePath</c> is set (see
/// <see cref="SiloTlsOptions"/>). Without it the Orleans ports are plain TCP and must stay on a private network
/// (deploy/k8s/networkpolicy.yaml, docs/SECURITY.md).
/// </summary>
public static class SiloTls
{
    public static ISiloBuilder UseFleetTwinsTls(this ISiloBuilder silo, SiloTlsOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            return silo;
        }

        var certificate = Load("FleetTwins:Silo:Tls:CertificatePath", options.CertificatePath,
            path => X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword));
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidSettingsException($"FleetTwins:Silo:Tls:CertificatePath '{options.CertificatePath}' holds no private key");
        }

        var authority = string.IsNullOrWhiteSpace(options.TrustedCertificatePath)
            ? null
            : Load("FleetTwins:Silo:Tls:TrustedCertificatePath", options.TrustedCertificatePath, X509CertificateLoader.LoadCertificateFromFile);
        return silo.UseTls(certificate, tls =>
        {
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = (remote, _, _) => remote is not null && Trusted(remote, certificate, authority);
        });
    }

    /// <summary>The silos' own certificate, or one issued by the configured CA (checked against it alone, not the machine's roots).</summary>
    public static bool Trusted(X509Certificate2 remote, X509Certificate2 own, X509Certificate2? authority)
    {
        if (remote.RawDataMemory.Span.SequenceEqual(own.RawDataMemory.Span))
        {
            return true;
        }

        if (authority is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(remote);
    }

    private static X509Certificate2 Load(string setting, string path, Func<string, X509Certificate2> load)
    {
        try
        {
            return load(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingsException($"{setting} '{path}' cannot be read as a certificate: {e.Message}");
        }
    }
}
