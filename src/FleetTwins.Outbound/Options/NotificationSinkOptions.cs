namespace FleetTwins.Outbound.Options;

/// <summary>The <c>Notifications</c> section as the sinks read it: where notifications are sent besides the exchange.</summary>
public sealed class NotificationSinkOptions
{
    public const string Section = "Notifications";

    /// <summary><c>Notifications__Webhooks__N__*</c>: signed receivers of every notification (or of the types each names).</summary>
    public List<NotificationWebhookOptions> Webhooks { get; set; } = [];
}
