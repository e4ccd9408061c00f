using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using FleetTwins.Host.Security;
using FleetTwins.Host.Settings;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api;

/// <summary>One configured key (its SHA-256, so every comparison takes the same time) and its scopes.</summary>
public sealed record ApiKey(byte[] Hash, IReadOnlySet<string> Scopes)
{
    /// <summary>
    /// Parses <c>key</c> (every scope) or <c>key:scope,scope</c> configured at <paramref name="setting"/>
    /// (<c>Api:Keys:2</c>); a short key, an empty scope list or a scope that does not exist is an error that names the
    /// setting, not the key.
    /// </summary>
    public static ApiKey Parse(string entry, string setting)
    {
        var separator = entry.LastIndexOf(':');
        var (key, scopes) = separator < 0
            ? (entry, ApiScopes.All)
            : (entry[..separator], entry[(separator + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (key.Length < 16)
        {
            throw new InvalidSettingsException($"{setting}: an API key must be at least 16 characters");
        }

        if (scopes.Count == 0)
        {
            // "key:" reads as a key that may do nothing, a typo for one that may do everything: neither is meant.
            throw new InvalidSettingsException($"{setting}: an API key needs at least one scope after ':' ({string.Join(", ", ApiScopes.All)})");
        }

        if (scopes.FirstOrDefault(s => !ApiScopes.All.Contains(s)) is { } unknown)
        {
            throw new InvalidSettingsException($"{setting}: unknown API scope '{unknown}'; scopes are {string.Join(", ", ApiScopes.All)}");
        }

        return new ApiKey(SHA256.HashData(Encoding.UTF8.GetBytes(key)), new HashSet<string>(scopes, StringComparer.Ordinal));
    }

    /// <summary>The configured key <paramref name="presented"/> is, compared with every one in constant time; null when none.</summary>
    public static ApiKey? Match(IEnumerable<ApiKey> keys, string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        ApiKey? match = null;
        foreach (var key in keys)
        {
            // No early exit: the time taken does not depend on which key (if any) matched.
            if (CryptographicOperations.FixedTimeEquals(hash, key.Hash))
            {
                match = key;
            }
        }

        return match;
    }
}

/// <summary>The <c>Api</c> section: <c>Api:Keys:N</c>.</summary>
public sealed class ApiKeyOptions : AuthenticationSchemeOptions
{
    public List<ApiKey> Keys { get; } = [];
}

/// <summary>
/// Bearer API keys (<c>Authorization: Bearer &lt;key&gt;</c>, for REST and gRPC alike), or a dashboard session on
/// <c>/dashboard</c>. With no key configured only loopback clients are served, with every scope (<see cref="LoopbackMode"/>
/// keeps browsers out). 401 and 403 answer problem details.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyOptions> options, DashboardSessions sessions, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiKeyOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            // Push endpoints check their providers' own credentials (a tracker's bearer token is not an API key),
            // health and the API document need none.
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (Options.Keys.Count == 0)
        {
            return Task.FromResult(ForwardedAddresses.IsLoopbackClient(Context)
                ? Success("loopback", ApiScopes.All)
                : AuthenticateResult.Fail("No API keys are configured (Api__Keys__N), so only loopback clients are served."));
        }

        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            // A browser on the dashboard cannot send a header on the page's own requests: its session cookie stands in.
            if (!Request.Path.StartsWithSegments(DashboardSession.Path) || Request.Cookies[DashboardSession.Cookie] is not { Length: > 0 } session)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            return Task.FromResult(sessions.Resume(session) is { } signedIn
                ? Success(KeyName(signedIn), signedIn.Scopes)
                : AuthenticateResult.Fail("The dashboard session has ended (signed out, or idle too long): sign in again."));
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.Fail("The Authorization header must be 'Bearer <api key>'."));
        }

        var match = ApiKey.Match(Options.Keys, header["Bearer ".Length..].Trim());
        return Task.FromResult(match is null
            ? AuthenticateResult.Fail("The API key is not valid.")
            : Success(KeyName(match), match.Scopes));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer";
        if (DashboardSession.WantsSignIn(Request))
        {
            await DashboardSession.WriteSignInPageAsync(Response, result.Failure?.Message);
            return;
        }

        await WriteProblemAsync(401, "Unauthorized", result.Failure?.Message ?? "An API key is required: Authorization: Bearer <api key>.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 403;
        var needed = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).FirstOrDefault(p => p is not null);
        await WriteProblemAsync(403, "Forbidden", needed is null ? "The API key lacks the scope this needs." : $"The API key lacks the '{needed}' scope.");
    }

    private Task WriteProblemAsync(int status, string title, string detail)
    {
        if (Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            return Task.CompletedTask; // gRPC maps the status code to UNAUTHENTICATED / PERMISSION_DENIED.
        }

        return Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    private static string KeyName(ApiKey key) => "key:" + Convert.ToHexString(key.Hash)[..8];

    private AuthenticateResult Success(string name, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), .. scopes.Select(s => new Claim(ApiScopes.ClaimType, s))], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

/// <summary>Registers API-key authentication and one policy per scope; the fallback policy is <c>read</c>.</summary>
public static class ApiAuthHosting
{
    public static WebApplicationBuilder AddFleetTwinsApiAuth(this WebApplicationBuilder builder)
    {
        var keys = new List<ApiKey>();
        var failures = new List<string>();
        foreach (var entry in builder.Configuration.GetSection("Api:Keys").GetChildren().Where(c => !string.IsNullOrWhiteSpace(c.Value)))
        {
            try
            {
                keys.Add(ApiKey.Parse(entry.Value!, entry.Path));
            }
            catch (InvalidSettingsException e)
            {
                failures.AddRange(e.Failures);
            }
        }

        builder.Services.AddSettingsFailures(failures);
        builder.Services.AddOptions<DashboardSessionOptions>().Bind(builder.Configuration.GetSection(DashboardSessionOptions.Section))
            .Validate(o => o.SessionIdleTimeout > TimeSpan.Zero, $"{DashboardSessionOptions.Section}:SessionIdleTimeout must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton<DashboardSessions>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<ApiKeyOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, o => o.Keys.AddRange(keys));
        builder.Services.AddAuthorization(o =>
        {
            foreach (var scope in ApiScopes.All)
            {
                o.AddPolicy(scope, p => p.RequireAuthenticatedUser().RequireClaim(ApiScopes.ClaimType, scope));
            }

            // Anything not marked otherwise needs at least read; webhooks and health opt out explicitly.
            o.FallbackPolicy = o.GetPolicy(ApiScopes.Read);
        });
        builder.Services.AddHostedService(sp => new StartupNotice(sp.GetRequiredService<ILogger<ApiKeyAuthenticationHandler>>(), keys.Count));
        return builder;
    }

    private sealed class StartupNotice(ILogger logger, int keys) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (keys == 0)
            {
                logger.LogWarning("No API keys are configured (Api__Keys__N): the query API serves loopback clients only");
            }
            else
            {
                logger.LogInformation("Query API: {Count} API keys configured", keys);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
