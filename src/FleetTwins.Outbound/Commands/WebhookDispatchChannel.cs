using System.Text.Json;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Outbound.Options;
using FleetTwins.Signatures;

namespace FleetTwins.Outbound.Commands;

/// <summary>
/// Posts commands to one receiver, signed the Standard Webhooks way (<c>webhook-id</c> = the command id, for the
/// receiver's dedup; <c>webhook-timestamp</c>; <c>webhook-signature</c> <c>v1,</c> HMAC-SHA256). A 2xx is taken, and may
/// carry <c>{"providerCommandId": "..."}</c>; anything else fails the attempt, and a 2xx whose JSON answer cannot be
/// read fails it for good (<see cref="PermanentDispatchException"/>).
/// </summary>
public sealed class WebhookDispatchChannel(HttpClient http, CommandWebhookOptions receiver, TimeProvider clock) : IDispatchChannel
{
    /// <summary>The most of an answer read for its provider command id.</summary>
    private const int MaxAnswerBytes = 64 * 1024;

    /// <summary>An answer with <c>providerCommandId</c> twice is refused: which one the receiver meant is a guess.</summary>
    private static readonly JsonDocumentOptions AnswerOptions = new() { AllowDuplicateProperties = false };

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

    /// <summary>
    /// <c>providerCommandId</c> of a JSON answer; an empty, large or non-JSON answer carries none. A JSON answer that
    /// cannot be read (not UTF-8, not JSON, a key twice) or whose id is no text of 1 to 200 characters is a
    /// <see cref="PermanentDispatchException"/>: the receiver meant to say something, and asking again answers the same.
    /// </summary>
    private async Task<string?> ProviderCommandIdAsync(HttpResponseMessage response, CancellationToken cancellationToken)
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

        if (read is 0 or MaxAnswerBytes)
        {
            return null; // nothing said, or more than is read: no id either way
        }

        JsonDocument answer;
        try
        {
            answer = JsonDocument.Parse(buffer.AsMemory(0, read), AnswerOptions);
        }
        catch (JsonException e)
        {
            return IsJson(response) ? throw Unreadable(e.Message) : null;
        }
        catch (InvalidOperationException)
        {
            throw Unreadable("a key is not valid text (an unpaired UTF-16 surrogate)");
        }

        using (answer)
        {
            if (answer.RootElement is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty("providerCommandId", out var id)
                || id.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            string? text;
            try
            {
                text = id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            }
            catch (InvalidOperationException)
            {
                throw Unreadable("providerCommandId is not valid text (an unpaired UTF-16 surrogate)");
            }

            return text is { Length: > 0 and <= 200 } && !text.Any(char.IsControl)
                ? text
                : throw Unreadable("providerCommandId must be a string of 1 to 200 characters without control characters");
        }
    }

    private PermanentDispatchException Unreadable(string why) => new($"{Name} answered 2xx with an answer that cannot be read: {why}");

    private static bool IsJson(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
