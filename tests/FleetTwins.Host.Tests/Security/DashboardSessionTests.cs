using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Security;

/// <summary>A host with API keys and dashboard sessions that end after 2 s without a request.</summary>
public sealed class ShortSessionHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    public HostProcess Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var settings = ApiKeys.AddTo(WebhookSender.Settings());
        settings["Dashboard__SessionIdleTimeout"] = IdleTimeout.ToString("c");
        Host = await HostProcess.StartAsync(settings);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// The dashboard's browser session: a random id the host keeps, not the key; no sign-in another site's page posts;
/// signing out and going idle end it on the host, so a copy of the cookie opens nothing afterwards.
/// </summary>
public sealed class DashboardSessionTests(ShortSessionHostFixture fixture) : IClassFixture<ShortSessionHostFixture>
{
    private HttpClient Browser()
    {
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = fixture.Host.Http.BaseAddress };
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        return browser;
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/session")
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("key", key)]),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await browser.SendAsync(request);
    }

    /// <summary>The <c>name=value</c> of the session cookie a sign-in set.</summary>
    private static async Task<string> SessionAsync(HttpClient browser)
    {
        using var signedIn = await SignInAsync(browser, ApiKeys.All, ("Sec-Fetch-Site", "same-origin"));
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        return Assert.Single(signedIn.Headers.GetValues("Set-Cookie")).Split(';')[0];
    }

    private static async Task<HttpStatusCode> DashboardAsync(HttpClient browser, string cookie)
    {
        using var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard/") { Headers = { { "Cookie", cookie } } };
        using var response = await browser.SendAsync(page);
        return response.StatusCode;
    }

    /// <summary>The dashboard's answer to <paramref name="cookie"/> after <paramref name="pause"/> without a request.</summary>
    private static async Task<HttpStatusCode> PausedAsync(HttpClient browser, string cookie, TimeSpan pause)
    {
        await Task.Delay(pause);
        return await DashboardAsync(browser, cookie);
    }

    [Fact]
    public async Task The_session_cookie_is_a_random_id_not_the_key_and_is_HttpOnly_and_SameSite_Strict()
    {
        using var browser = Browser();
        using var signedIn = await SignInAsync(browser, ApiKeys.All);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var value = WebUtility.UrlDecode(cookie.Split(';')[0].Split('=', 2)[1]);
        Assert.DoesNotContain(ApiKeys.All, value, StringComparison.Ordinal);
        Assert.True(value.Length >= 32, value);

        var again = await SessionAsync(browser);
        Assert.NotEqual(cookie.Split(';')[0], again);
        Assert.Equal(HttpStatusCode.OK, await DashboardAsync(browser, again));
        // The key itself in the cookie opens nothing.
        Assert.Equal(HttpStatusCode.Unauthorized, await DashboardAsync(browser, $"{again.Split('=')[0]}={ApiKeys.All}"));
    }

    [Theory]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    public async Task A_sign_in_a_page_of_another_site_posts_is_refused(string header, string value)
    {
        using var browser = Browser();

        using var refused = await SignInAsync(browser, ApiKeys.All, (header, value));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
        Assert.Contains("another", await refused.Content.ReadAsStringAsync());
        // From this host's own page (what the console's dashboard button and the sign-in page post) it signs in.
        using var own = await SignInAsync(browser, ApiKeys.All, ("Origin", $"http://127.0.0.1:{fixture.Host.HttpPort}"));
        Assert.Equal(HttpStatusCode.SeeOther, own.StatusCode);
    }

    [Theory]
    [InlineData("application/json", "{\"key\":\"x\"}")]
    [InlineData(null, "key=x")]
    public async Task A_sign_in_that_is_not_a_form_is_415_with_the_sign_in_page_not_a_500(string? contentType, string body)
    {
        using var browser = Browser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/session") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var answer = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Set-Cookie"));
        Assert.Contains("form", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_host()
    {
        using var browser = Browser();
        var cookie = await SessionAsync(browser);
        Assert.Equal(HttpStatusCode.OK, await DashboardAsync(browser, cookie));

        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/dashboard/sign-out") { Headers = { { "Cookie", cookie } } };
        using var signedOut = await browser.SendAsync(signOut);

        Assert.Equal(HttpStatusCode.SeeOther, signedOut.StatusCode);
        Assert.Contains("expires=Thu, 01 Jan 1970", Assert.Single(signedOut.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        // A copy of the cookie the browser kept is refused, and a browser is shown the sign-in page again.
        using var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard/") { Headers = { { "Cookie", cookie } } };
        using var afterwards = await browser.SendAsync(page);
        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
        Assert.Contains("session has ended", await afterwards.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_session_idle_for_longer_than_the_setting_ends_and_one_in_use_does_not()
    {
        using var browser = Browser();
        var cookie = await SessionAsync(browser);
        Assert.Equal(HttpStatusCode.OK, await DashboardAsync(browser, cookie));

        // In use (a request every half second) it outlives its idle timeout; a pause twice as long ends it on the host.
        var inUse = Stopwatch.StartNew();
        while (inUse.Elapsed < ShortSessionHostFixture.IdleTimeout * 1.5)
        {
            Assert.Equal(HttpStatusCode.OK, await PausedAsync(browser, cookie, TimeSpan.FromSeconds(0.5)));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await PausedAsync(browser, cookie, ShortSessionHostFixture.IdleTimeout * 2));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    public async Task A_session_idle_timeout_that_is_not_positive_stops_the_host_at_start(string timeout)
    {
        var settings = ApiKeys.AddTo(WebhookSender.Settings());
        settings["Dashboard__SessionIdleTimeout"] = timeout;

        var (exitCode, output) = await HostProcess.RunAsync(settings);

        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        Assert.Contains(output.Split('\n'), l => l.StartsWith("Invalid setting: ", StringComparison.Ordinal) && l.Contains("Dashboard:SessionIdleTimeout", StringComparison.Ordinal));
    }
}
