using System.Text.Json;
using FleetTwins.Grains.Notifications;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Ingestion.Signatures;

namespace FleetTwins.Host.Notifications;

/// <summary>One configured receiver of outbound webhooks: <c>Notifications__Webhooks__N__Url</c>, <c>__Secret</c>, <c>__Types__M</c>.</summary>
public sealed class WebhookEndpointOptions
{
    public string Url { get; set; } = "";

    /// <summary>The Standard Webhooks secret (<c>whsec_...</c>) the receiver verifies signatures with.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Notification types to send; all when empty.</summary>
    public List<string> Types { get; set; } = [];
}

/// <summary>
/// Posts each notification to each configured endpoint the Standard Webhooks (Svix) way: headers
/// <c>webhook-id</c> (the notification id, for the receiver's dedup), <c>webhook-timestamp</c>, <c>webhook-signature</c>
/// (<c>v1,</c> HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c>). Anything but a 2xx fails the batch and the outbox retries.
/// </summary>
public sealed class WebhookNotificationSink(HttpClient http, IReadOnlyList<WebhookEndpointOptions> endpoints, TimeProvider clock) : INotificationSink
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

/// <summary>Delivers to every configured sink; a failure of any fails the batch (delivery stays at least once).</summary>
public sealed class CompositeNotificationSink(IReadOnlyList<INotificationSink> sinks) : INotificationSink
{
    public async Task PublishAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        foreach (var sink in sinks)
        {
            await sink.PublishAsync(notifications, cancellationToken);
        }
    }
}
