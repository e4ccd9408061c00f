using System.Net;
using FleetTwins.Host.Security;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api;

/// <summary>
/// The Orleans dashboard from a browser, which cannot add an <c>Authorization</c> header to the page's own requests: a
/// key with the admin scope posted to <c>POST /dashboard/session</c> (the console does it with its key, or the sign-in
/// page the dashboard shows a browser without one) starts a session (<see cref="DashboardSessions"/>) whose random
/// id, not the key, is kept in an HttpOnly, SameSite=Strict cookie sent to <c>/dashboard</c> only (Secure over
/// HTTPS). A sign-in posted by another site's page is refused, so no one signs a browser in to their own session.
/// <c>POST /dashboard/sign-out</c> ends the session.
/// </summary>
public static class DashboardSession
{
    public const string Path = "/dashboard";

    public const string Cookie = "fleettwins-dashboard-session";

    public static WebApplication MapFleetTwinsDashboardSession(this WebApplication app)
    {
        app.MapPost($"{Path}/session", async (HttpContext context, IOptionsMonitor<ApiKeyOptions> options, DashboardSessions sessions) =>
        {
            if (CrossOrigin.Refusal(context.Request) is { } crossOrigin)
            {
                context.Response.StatusCode = 403;
                await WriteSignInPageAsync(context.Response, crossOrigin + " Sign in from this host's own page.");
                return;
            }

            if (!context.Request.HasFormContentType)
            {
                context.Response.StatusCode = 415;
                await WriteSignInPageAsync(context.Response, "Sign in with this page's form (application/x-www-form-urlencoded).");
                return;
            }

            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var keys = options.Get(ApiKeyAuthenticationHandler.SchemeName).Keys;
            if (keys.Count > 0)
            {
                if (ApiKey.Match(keys, form["key"].ToString().Trim()) is not { } match || !match.Scopes.Contains(ApiScopes.Admin))
                {
                    context.Response.StatusCode = 401;
                    await WriteSignInPageAsync(context.Response, "That key is not an API key with the admin scope.");
                    return;
                }

                context.Response.Cookies.Append(Cookie, sessions.Start(match), CookieOptions(context.Request));
            }

            // With no keys configured there is nothing to sign in with: loopback clients are let in as they are.
            SeeDashboard(context.Response);
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();

        app.MapPost($"{Path}/sign-out", async (HttpContext context, DashboardSessions sessions) =>
        {
            if (CrossOrigin.Refusal(context.Request) is { } crossOrigin)
            {
                context.Response.StatusCode = 403;
                await WriteSignInPageAsync(context.Response, crossOrigin);
                return;
            }

            if (context.Request.Cookies[Cookie] is { Length: > 0 } id)
            {
                sessions.End(id);
            }

            context.Response.Cookies.Delete(Cookie, CookieOptions(context.Request));
            SeeDashboard(context.Response);
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    /// <summary>A browser (it asks for HTML) reaching the dashboard without a valid session: it gets the sign-in page.</summary>
    public static bool WantsSignIn(HttpRequest request) =>
        request.Path.StartsWithSegments(Path) && HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal);

    public static Task WriteSignInPageAsync(HttpResponse response, string? problem)
    {
        response.ContentType = "text/html; charset=utf-8";
        var note = problem is null ? "" : $"<p class=\"problem\">{WebUtility.HtmlEncode(problem)}</p>";
        return response.WriteAsync($$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>FleetTwins dashboard</title>
            <style>body{font:15px system-ui,sans-serif;margin:15vh auto;max-width:28em}input{width:100%;padding:6px;margin:8px 0}.problem{color:#b00}</style>
            </head><body><h1>Orleans dashboard</h1><p>An API key with the <b>admin</b> scope opens it (this browser keeps a session cookie for this path only).</p>{{note}}
            <form method="post" action="{{Path}}/session"><input type="password" name="key" autocomplete="current-password" autofocus placeholder="API key">
            <button type="submit">Open the dashboard</button></form></body></html>
            """);
    }

    private static CookieOptions CookieOptions(HttpRequest request) => new()
    {
        HttpOnly = true,
        Secure = request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = Path,
    };

    private static void SeeDashboard(HttpResponse response)
    {
        response.Redirect($"{Path}/", permanent: false);
        response.StatusCode = 303;
    }
}
