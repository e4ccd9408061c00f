namespace FleetTwins.Outbound.Options;

/// <summary>One configured receiver of outbound webhooks: <c>Notifications__Webhooks__N__Url</c>, <c>__Secret</c>, <c>__Types__M</c>.</summary>
public sealed class NotificationWebhookOptions
{
    public string Url { get; set; } = "";

    /// <summary>The Standard Webhooks secret (<c>whsec_...</c>) the receiver verifies signatures with.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Notification types to send; all when empty.</summary>
    public List<string> Types { get; set; } = [];
}
