using System.Net;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api;

/// <summary>
/// The Orleans dashboard from a browser, which cannot add an <c>Authorization</c> header to the page's own requests: a
/// key posted to <c>POST /dashboard/session</c> (the console does it with its key, or the sign-in page the dashboard shows
/// a browser without one) is kept in an HttpOnly, SameSite=Strict cookie sent to <c>/dashboard</c> only, and checked like
/// a bearer key on every request (the <c>admin</c> scope still required).
/// </summary>
public static class DashboardSession
{
    public const string Path = "/dashboard";

    public const string Cookie = "fleettwins-dashboard-key";

    public static WebApplication MapFleetTwinsDashboardSession(this WebApplication app)
    {
        app.MapPost($"{Path}/session", async (HttpContext context, IOptionsMonitor<ApiKeyOptions> options) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var key = form["key"].ToString().Trim();
            var keys = options.Get(ApiKeyAuthenticationHandler.SchemeName).Keys;
            if (keys.Count > 0 && (ApiKey.Match(keys, key) is not { } match || !match.Scopes.Contains(ApiScopes.Admin)))
            {
                context.Response.StatusCode = 401;
                await WriteSignInPageAsync(context.Response, "That key is not an API key with the admin scope.");
                return;
            }

            context.Response.Cookies.Append(Cookie, key, new CookieOptions
            {
                HttpOnly = true,
                Secure = context.Request.IsHttps,
                SameSite = SameSiteMode.Strict,
                Path = Path,
            });
            context.Response.Redirect($"{Path}/", permanent: false);
            context.Response.StatusCode = 303;
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    /// <summary>A browser (it asks for HTML) reaching the dashboard without a valid key: it gets the sign-in page.</summary>
    public static bool WantsSignIn(HttpRequest request) =>
        request.Path.StartsWithSegments(Path) && HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal);

    public static Task WriteSignInPageAsync(HttpResponse response, string? problem)
    {
        response.ContentType = "text/html; charset=utf-8";
        var note = problem is null ? "" : $"<p class=\"problem\">{WebUtility.HtmlEncode(problem)}</p>";
        return response.WriteAsync($$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>FleetTwins dashboard</title>
            <style>body{font:15px system-ui,sans-serif;margin:15vh auto;max-width:28em}input{width:100%;padding:6px;margin:8px 0}.problem{color:#b00}</style>
            </head><body><h1>Orleans dashboard</h1><p>An API key with the <b>admin</b> scope opens it (kept in a cookie for this path only).</p>{{note}}
            <form method="post" action="{{Path}}/session"><input type="password" name="key" autocomplete="current-password" autofocus placeholder="API key">
            <button type="submit">Open the dashboard</button></form></body></html>
            """);
    }
}
