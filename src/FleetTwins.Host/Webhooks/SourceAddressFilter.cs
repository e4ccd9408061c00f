using FleetTwins.Host.Security;
using FleetTwins.Ingestion.Options;
using FleetTwins.Ingestion.Webhooks;

namespace FleetTwins.Host.Webhooks;

/// <summary><c>Ingestion:{Provider}:AllowedSources</c> on a push endpoint.</summary>
public static class SourceAddressFilter
{
    /// <summary>With an allow-list configured, a delivery from any other client address is refused (403) unread.</summary>
    public static RouteHandlerBuilder AllowOnlyFrom(this RouteHandlerBuilder endpoint, string provider, string section, IPushEndpointOptions options)
    {
        if (options.AllowedSources.Count == 0)
        {
            return endpoint;
        }

        var allowed = options.AllowedSources.Select((a, i) => ForwardedAddresses.Network(a, $"Ingestion:{section}:AllowedSources:{i}")).ToList();
        return endpoint.AddEndpointFilterFactory((factory, next) =>
        {
            var pipeline = factory.ApplicationServices.GetRequiredService<PushPipeline>();
            return async invocation =>
            {
                var address = invocation.HttpContext.Connection.RemoteIpAddress;
                return ForwardedAddresses.IsIn(address, allowed)
                    ? await next(invocation)
                    : PushHttp.Answer(pipeline.Reject(provider, new PushOutcome.Forbidden($"source address {address} may not deliver {provider} events")));
            };
        });
    }
}
