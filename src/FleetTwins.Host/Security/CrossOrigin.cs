namespace FleetTwins.Host.Security;

/// <summary>
/// Whether a browser sent a request on behalf of another site's page (cross-site request forgery). Every current
/// browser says where a request comes from in <c>Sec-Fetch-Site</c>, and in <c>Origin</c> on every cross-origin
/// request that is not a GET or HEAD; a request with neither is not a browser's (the CLI, curl, a provider's
/// server) and is not refused here.
/// </summary>
public static class CrossOrigin
{
    /// <summary>Why the request comes from another site (a sentence), or null when it is same-origin or not a browser's.</summary>
    public static string? Refusal(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            // "none" is the user's own navigation (the address bar, a bookmark), not a page's.
            return site is "same-origin" or "none" ? null : $"The browser sent this request from another site (Sec-Fetch-Site: {site}).";
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0
            || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
            ? null
            : $"The browser sent this request from another origin (Origin: {origin}), not from a page of {request.Host.Value}.";
    }

    /// <summary>Whether the method may change state (anything but GET, HEAD, OPTIONS and TRACE).</summary>
    public static bool ChangesState(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method));
}
