using System.Globalization;
using System.Net.Http.Headers;

namespace FleetTwins.Signatures;

/// <summary>
/// The sending side of <see cref="SvixVerifier"/>: a JSON POST with the three signature headers, as Svix names them
/// (<see cref="SvixPrefix"/>: <c>svix-id</c>, ...) or as Standard Webhooks does (<see cref="StandardWebhooksPrefix"/>:
/// <c>webhook-id</c>, ...). Our outbound webhooks, the simulator, the benchmarks and the tests all send through it.
/// </summary>
public static class SignedDelivery
{
    public const string SvixPrefix = "svix";
    public const string StandardWebhooksPrefix = "webhook";

    /// <summary>A POST of <paramref name="body"/> (JSON) to <paramref name="url"/>, signed with <paramref name="secret"/>.</summary>
    public static HttpRequestMessage Post(string url, string headerPrefix, string secret, string messageId, DateTimeOffset timestamp, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        AddHeaders(request.Headers, headerPrefix, secret, messageId, timestamp, body);
        return request;
    }

    /// <summary>Adds <c>{prefix}-id</c>, <c>{prefix}-timestamp</c> and <c>{prefix}-signature</c> for <paramref name="body"/>.</summary>
    public static void AddHeaders(HttpRequestHeaders headers, string headerPrefix, string secret, string messageId, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        headers.Add($"{headerPrefix}-id", messageId);
        headers.Add($"{headerPrefix}-timestamp", timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        headers.Add($"{headerPrefix}-signature", SvixVerifier.Sign(secret, messageId, timestamp, body));
    }
}
