using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Host.Tests.Security;

/// <summary>
/// The Orleans silo and gateway ports accept any Orleans client that knows the default cluster and service ids (issue
/// 17, F6): the manifests keep them to silo pods, and with a certificate configured a client without it cannot join.
/// </summary>
public sealed class SiloPortTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("fleettwins-tls-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task The_deployment_files_admit_the_orleans_ports_from_silo_pods_only()
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = HostProcess.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("tools/validate-deploy.sh");
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("Orleans ports 11111/30000: silo pods only", output);
    }

    [Fact]
    public async Task Without_tls_any_orleans_client_that_knows_the_ids_controls_a_twin()
    {
        var gateway = FreePorts.Next();
        var settings = WebhookSender.Settings();
        settings["FleetTwins__Silo__GatewayPort"] = gateway.ToString();
        await using var host = await HostProcess.StartAsync(settings);

        using var client = await ConnectAsync(gateway, certificate: null);

        var twin = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IVehicleTwinGrain>($"tls-{Guid.NewGuid():N}")
            .RegisterAsync(new VehicleRegistration(null));
        Assert.Equal(1, twin.Twin.Version);
    }

    [Fact]
    public async Task With_tls_configured_the_silo_starts_a_plain_client_cannot_join_and_one_with_the_certificate_can()
    {
        var certificate = SelfSigned("CN=fleettwins-silos");
        var path = Path.Combine(directory, "silos.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pkcs12, "test-password"));
        var gateway = FreePorts.Next();
        var settings = WebhookSender.Settings();
        settings["FleetTwins__Silo__GatewayPort"] = gateway.ToString();
        settings["FleetTwins__Silo__Tls__CertificatePath"] = path;
        settings["FleetTwins__Silo__Tls__CertificatePassword"] = "test-password";
        await using var host = await HostProcess.StartAsync(settings);

        // Each refused client tries until its connect timeout: the two try at once.
        await Task.WhenAll(
            Assert.ThrowsAnyAsync<Exception>(async () => (await ConnectAsync(gateway, certificate: null)).Dispose()),
            Assert.ThrowsAnyAsync<Exception>(async () => (await ConnectAsync(gateway, SelfSigned("CN=someone-else"))).Dispose()));
        using var trusted = await ConnectAsync(gateway, certificate);
        var twin = await trusted.Services.GetRequiredService<IClusterClient>().GetGrain<IVehicleTwinGrain>($"tls-{Guid.NewGuid():N}")
            .RegisterAsync(new VehicleRegistration(null));
        Assert.Equal(1, twin.Twin.Version);
    }

    /// <summary>An Orleans client of the default cluster and service ids on the host's gateway, with TLS when given a certificate.</summary>
    private static async Task<IHost> ConnectAsync(int gatewayPort, X509Certificate2? certificate)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(gatewayPort, serviceId: "fleettwins", clusterId: "fleettwins");
            if (certificate is not null)
            {
                client.UseTls(certificate, tls => tls.AllowAnyRemoteCertificate());
            }
        });
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
