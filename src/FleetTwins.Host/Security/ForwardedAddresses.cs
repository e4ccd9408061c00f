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
/// the client. <c>Forwarded</c> and <c>X-Real-IP</c> are not read for the address, but a request carrying any
/// forwarding header is never a loopback client either: a proxy on this machine would otherwise relay the world as
/// loopback.
/// </summary>
public static class ForwardedAddresses
{
    /// <summary>Names besides <c>localhost</c> and loopback addresses that a loopback client may address this host by (<c>Network:LoopbackHosts</c>).</summary>
    public sealed record LoopbackHostList(IReadOnlySet<string> Names);

    private static readonly string[] ForwardingHeaders = ["X-Forwarded-For", "X-Original-For", "Forwarded", "X-Real-IP"];

    public static WebApplicationBuilder AddFleetTwinsForwardedAddresses(this WebApplicationBuilder builder)
    {
        var proxies = TrustedProxies(builder.Configuration);
        builder.Services.AddSingleton(new LoopbackHostList(new HashSet<string>(
            builder.Configuration.GetSection("Network:LoopbackHosts").Get<List<string>>() ?? [], StringComparer.OrdinalIgnoreCase)));
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
    /// the connection's peer is loopback, the request carries no forwarding header, and its Host names this machine
    /// (<see cref="IsLoopbackHost"/>), which a page of another site that DNS rebinding points at 127.0.0.1 cannot do.
    /// </summary>
    public static bool IsLoopbackClient(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
        && !ForwardingHeaders.Any(context.Request.Headers.ContainsKey)
        && IsLoopbackHost(context);

    /// <summary>Whether the request's Host (any port) is <c>localhost</c>, a loopback address or a name in <c>Network:LoopbackHosts</c>.</summary>
    public static bool IsLoopbackHost(HttpContext context)
    {
        var host = context.Request.Host.Host;
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address))
            || context.RequestServices.GetService<LoopbackHostList>()?.Names.Contains(host) == true;
    }

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
