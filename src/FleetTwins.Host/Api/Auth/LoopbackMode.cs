using FleetTwins.Host.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api;

/// <summary>
/// Loopback mode (no API keys configured, so this machine's clients get every scope) out of a browser's reach. A
/// request for anything that needs a scope must address this machine by name (<c>Host: localhost</c>, a loopback
/// address or <c>Network:LoopbackHosts</c>; 421 otherwise), since DNS rebinding lets another site's page send
/// <c>Host: evil.example</c> to 127.0.0.1; and one that changes state must not come from another site's page (403),
/// since a browser sends a page's cross-origin form posts without asking. Endpoints that check credentials of their
/// own (webhooks, health, the API document) are untouched: a provider's server sends neither a loopback Host nor an
/// Origin.
/// </summary>
public static class LoopbackMode
{
    public static WebApplication UseFleetTwinsLoopbackMode(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptionsMonitor<ApiKeyOptions>>().Get(ApiKeyAuthenticationHandler.SchemeName).Keys.Count > 0)
        {
            return app;
        }

        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                await next(context);
                return;
            }

            var request = context.Request;
            if (!ForwardedAddresses.IsLoopbackHost(context))
            {
                await RefuseAsync(context, StatusCodes.Status421MisdirectedRequest, "Misdirected Request",
                    $"Host '{request.Host.Value}' does not name this machine: with no API keys configured (Api__Keys__N) this host answers "
                    + "only requests addressed to localhost, 127.0.0.1 or [::1] (or a name in Network__LoopbackHosts__N).");
                return;
            }

            if (CrossOrigin.ChangesState(request) && CrossOrigin.Refusal(request) is { } crossOrigin)
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "Forbidden",
                    crossOrigin + " With no API keys configured, a page of another site may not change anything here.");
                return;
            }

            await next(context);
        });
        return app;
    }

    private static Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
