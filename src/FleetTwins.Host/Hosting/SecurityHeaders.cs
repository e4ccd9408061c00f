namespace FleetTwins.Host.Hosting;

/// <summary>
/// Headers that keep browsers from misusing our answers: no content sniffing, no framing, no referrer, nothing
/// loaded by a JSON answer, HSTS over HTTPS, and twin data revalidated rather than served from shared caches.
/// The API reference page (<c>/scalar</c>) runs its own scripts, so it gets no content security policy.
/// </summary>
public static class SecurityHeaders
{
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
                if (!context.Request.Path.StartsWithSegments("/scalar"))
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
