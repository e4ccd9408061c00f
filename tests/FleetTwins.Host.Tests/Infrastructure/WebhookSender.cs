using System.Net.Http.Headers;
using FleetTwins.Signatures;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>Posts provider deliveries to a host the way the providers do: Svix-signed, or with a bearer token.</summary>
public sealed class WebhookSender(HttpClient http)
{
    public const string TelematicaSecret = "whsec_dGVsZW1hdGljYS10ZXN0LXNlY3JldC0yMDI2IQ==";
    public const string VolterasSecret = "whsec_dm9sdGVyYXMtdGVzdC1zZWNyZXQtMjAyNi0wMDE=";
    public const string TrackerToken = "tracker-test-token-2026";

    /// <summary>Settings that configure the secrets above on a host.</summary>
    public static Dictionary<string, string> Settings() => new()
    {
        ["Ingestion__Telematica__Secrets__0"] = TelematicaSecret,
        ["Ingestion__Volteras__Secrets__0"] = VolterasSecret,
        ["Ingestion__Tracker__Tokens__0"] = TrackerToken,
    };

    public static byte[] Fixture(string relative) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", relative));

    public static IEnumerable<string> Fixtures(string provider) =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", provider), "*.json")
            .Select(f => $"{provider}/{Path.GetFileName(f)}").Order();

    public Task<HttpResponseMessage> SignedAsync(string path, string secret, byte[] body, string? messageId = null,
        DateTimeOffset? timestamp = null, string headerPrefix = "svix")
    {
        var id = messageId ?? $"msg_{Guid.NewGuid():N}";
        var at = timestamp ?? DateTimeOffset.UtcNow;
        return http.SendAsync(SignedDelivery.Post(path, headerPrefix, secret, id, at, body));
    }

    public Task<HttpResponseMessage> TelematicaAsync(byte[] body, string? messageId = null) =>
        SignedAsync("/webhooks/telematica", TelematicaSecret, body, messageId);

    public Task<HttpResponseMessage> VolterasAsync(string eventType, byte[] body, string? messageId = null) =>
        SignedAsync($"/webhooks/volteras/{eventType}", VolterasSecret, body, messageId);

    public Task<HttpResponseMessage> TrackerAsync(byte[] body, string? token = TrackerToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/tracker") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http.SendAsync(request);
    }

    /// <summary>The Volteras event type a fixture file is an example of.</summary>
    public static string VolterasType(string file)
    {
        var name = Path.GetFileName(file);
        return name.StartsWith("device.telemetry", StringComparison.Ordinal) ? "device.telemetry" : string.Join('.', name.Split('.')[..2]);
    }

    /// <summary>Posts every published example of every provider, each with a stable message id; all must answer 200.</summary>
    public async Task PostAllExamplesAsync()
    {
        foreach (var file in Fixtures("telematica"))
        {
            await Ok(await TelematicaAsync(Fixture(file), $"msg_example_{file}"), file);
        }

        foreach (var file in Fixtures("volteras"))
        {
            await Ok(await VolterasAsync(VolterasType(file), Fixture(file), $"msg_example_{file}"), file);
        }

        foreach (var file in Fixtures("tracker"))
        {
            await Ok(await TrackerAsync(Fixture(file)), file);
        }
    }

    private static async Task Ok(HttpResponseMessage response, string file)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{file}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
