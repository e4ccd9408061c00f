using System.Text.Json;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Outbound.Options;
using FleetTwins.Signatures;

namespace FleetTwins.Outbound.Notifications;

/// <summary>
/// Posts each notification to each configured endpoint the Standard Webhooks (Svix) way: headers
/// <c>webhook-id</c> (the notification id, for the receiver's dedup), <c>webhook-timestamp</c>, <c>webhook-signature</c>
/// (<c>v1,</c> HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c>). Anything but a 2xx fails the batch and the outbox retries.
/// </summary>
public sealed class WebhookNotificationSink(HttpClient http, IReadOnlyList<NotificationWebhookOptions> endpoints, TimeProvider clock) : INotificationSink
{
    public async Task PublishAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        foreach (var endpoint in endpoints)
        {
            foreach (var n in notifications.Where(n => endpoint.Types.Count == 0 || endpoint.Types.Contains(n.Type)))
            {
                using var data = JsonDocument.Parse(n.DataJson);
                var body = JsonSerializer.SerializeToUtf8Bytes(new { type = n.Type, timestamp = n.At, data = new { n.Id, n.Type, n.TwinId, n.At, n.Reason, Data = data.RootElement } },
                    JsonSerializerOptions.Web);
                using var request = SignedDelivery.Post(endpoint.Url, SignedDelivery.StandardWebhooksPrefix, endpoint.Secret, n.Id, clock.GetUtcNow(), body);
                if (n.TraceParent is { } traceParent)
                {
                    request.Headers.Add("traceparent", traceParent); // the receiver can continue the delivery's trace
                }
                using var response = await http.SendAsync(request, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"{endpoint.Url} answered {(int)response.StatusCode} to notification {n.Id}");
                }
            }
        }
    }
}
