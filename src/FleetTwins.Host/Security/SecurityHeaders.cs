namespace FleetTwins.Host.Security;

/// <summary>
/// Headers that keep browsers from misusing our answers: no content sniffing, no framing, no referrer, nothing
/// loaded by a JSON answer, HSTS over HTTPS, and twin data revalidated rather than served from shared caches.
/// The fleet console (<c>/console</c>) may load its own scripts and styles, talk to this host and show map tiles
/// from OpenStreetMap; the API reference (<c>/scalar</c>) and the Orleans dashboard (<c>/dashboard</c>) run scripts
/// of their own making, so they get no content security policy.
/// </summary>
public static class SecurityHeaders
{
    private const string ConsolePolicy = "default-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; " +
        "style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public static WebApplication UseFleetTwinsSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            // On starting, not now: the exception handler clears headers set before it rewrites an answer.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                var path = context.Request.Path;
                if (path.StartsWithSegments("/console"))
                {
                    headers.ContentSecurityPolicy = ConsolePolicy;
                }
                else if (!path.StartsWithSegments("/scalar") && !path.StartsWithSegments("/dashboard"))
                {
                    headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                }

                if (context.Request.IsHttps)
                {
                    headers.StrictTransportSecurity = "max-age=31536000";
                }

                if (context.Request.Path.StartsWithSegments("/api") && string.IsNullOrEmpty(headers.CacheControl))
                {
                    headers.CacheControl = "private, no-cache";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
