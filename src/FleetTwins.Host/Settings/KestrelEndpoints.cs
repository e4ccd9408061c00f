namespace FleetTwins.Host.Settings;

/// <summary>
/// REST and webhooks on <c>Kestrel:Endpoints:Http</c>, gRPC (HTTP/2 cleartext) on <c>Kestrel:Endpoints:Grpc</c>,
/// defaults in appsettings.json, without a <c>Server</c> header. <c>--urls</c> (or <c>ASPNETCORE_URLS</c>) replaces the REST endpoint.
/// </summary>
public static class KestrelEndpoints
{
    private const string HttpEndpoint = "Kestrel:Endpoints:Http";

    public static WebApplicationBuilder UseFleetTwinsEndpoints(this WebApplicationBuilder builder)
    {
        // No Server header: what answers is nobody's business before they hold a key.
        builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);
        // Kestrel ignores --urls once endpoints are configured, so carry --urls over onto the REST endpoint(s).
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls))
        {
            return builder;
        }

        var overrides = new Dictionary<string, string?>();
        var list = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < list.Length; i++)
        {
            var name = i == 0 ? HttpEndpoint : $"{HttpEndpoint}{i + 1}";
            overrides[$"{name}:Url"] = list[i];
        }

        overrides[WebHostDefaults.ServerUrlsKey] = "";
        builder.Configuration.AddInMemoryCollection(overrides);
        return builder;
    }
}
