using System.Net;
using FleetTwins.Host.Settings;
using FleetTwins.Ingestion.Options;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace FleetTwins.Host.Security;

/// <summary>
/// The client address behind a reverse proxy: <c>X-Forwarded-For</c> is believed only from the proxies listed in
/// <c>Network:TrustedProxies</c> (addresses or CIDR ranges), read from the right until the first address that is
/// not one of them. With none listed the header is ignored and the connection's peer is the client. A request a
/// trusted proxy forwarded is never a loopback client (<see cref="IsLoopbackClient"/>), even when its
/// <c>X-Forwarded-For</c> ends in an entry that does not parse (<c>8.8.8.8, unknown</c>) and so leaves the proxy as
/// the client.
/// </summary>
public static class ForwardedAddresses
{
    /// <summary>The proxies configured in <c>Network:TrustedProxies</c>.</summary>
    public sealed record TrustedProxyList(IReadOnlyList<IPNetwork> Networks);

    public static WebApplicationBuilder AddFleetTwinsForwardedAddresses(this WebApplicationBuilder builder)
    {
        var proxies = TrustedProxies(builder.Configuration);
        builder.Services.AddSingleton(new TrustedProxyList(proxies));
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = null;
            // ASP.NET Core trusts loopback by default; only what is configured is trusted here.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            proxies.ForEach(o.KnownIPNetworks.Add);
        });
        return builder;
    }

    public static WebApplication UseFleetTwinsForwardedAddresses(this WebApplication app)
    {
        if (TrustedProxies(app.Configuration).Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    /// <summary>
    /// Whether the client is this machine (served without an API key when none is configured, <c>/metrics</c> open):
    /// the connection's peer is loopback and, with trusted proxies configured, the request was not forwarded.
    /// </summary>
    public static bool IsLoopbackClient(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
        && (context.RequestServices.GetService<TrustedProxyList>() is not { Networks.Count: > 0 }
            || !(context.Request.Headers.ContainsKey("X-Forwarded-For") || context.Request.Headers.ContainsKey("X-Original-For")));

    /// <summary>An address (<c>10.0.0.7</c>) or a CIDR range (<c>10.0.0.0/8</c>), or a start-up error that names it.</summary>
    public static IPNetwork Network(string value, string setting)
    {
        return AddressRange.TryParse(value, out var range)
            ? range
            : throw new InvalidSettingsException($"{setting}: '{value}' is neither an IP address nor a CIDR range");
    }

    private static List<IPNetwork> TrustedProxies(IConfiguration configuration) =>
        (configuration.GetSection("Network:TrustedProxies").Get<List<string>>() ?? [])
        .Select((p, i) => Network(p, $"Network:TrustedProxies:{i}")).ToList();
}
