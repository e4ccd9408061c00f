using System.Text.Json;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Outbound.Options;
using FleetTwins.Signatures;

namespace FleetTwins.Outbound.Commands;

/// <summary>
/// Posts commands to one receiver, signed the Standard Webhooks way (<c>webhook-id</c> = the command id, for the
/// receiver's dedup; <c>webhook-timestamp</c>; <c>webhook-signature</c> <c>v1,</c> HMAC-SHA256). A 2xx is taken, and may
/// carry <c>{"providerCommandId": "..."}</c>; anything else fails the attempt.
/// </summary>
public sealed class WebhookDispatchChannel(HttpClient http, CommandWebhookOptions receiver, TimeProvider clock) : IDispatchChannel
{
    /// <summary>The most of an answer read for its provider command id.</summary>
    private const int MaxAnswerBytes = 64 * 1024;

    public string Name => receiver.Channel;

    public bool Serves(string provider) => receiver.Providers.Count == 0 || receiver.Providers.Contains(provider, StringComparer.Ordinal);

    public async Task<DispatchReceipt> SendAsync(CommandDispatch dispatch, CancellationToken cancellationToken)
    {
        var body = DispatchBody.Serialize(dispatch);
        using var request = SignedDelivery.Post(receiver.Url, SignedDelivery.StandardWebhooksPrefix, receiver.Secret, dispatch.CommandId, clock.GetUtcNow(), body);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{Name} answered {(int)response.StatusCode}");
        }

        return new DispatchReceipt(await ProviderCommandIdAsync(response, cancellationToken));
    }

    /// <summary><c>providerCommandId</c> of a JSON answer; an empty, large or other answer carries none.</summary>
    private static async Task<string?> ProviderCommandIdAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is > MaxAnswerBytes)
        {
            return null;
        }

        var buffer = new byte[MaxAnswerBytes];
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }

        try
        {
            using var answer = JsonDocument.Parse(buffer.AsMemory(0, read));
            return answer.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("providerCommandId", out var id)
                && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 and <= 200 } text
                ? text
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
