using System.Text.Json;
using FleetTwins.Abstractions.Notifications;

namespace FleetTwins.Host.Api;

/// <summary>A notification as the API shows it (<c>data</c> as JSON, not text).</summary>
public sealed record NotificationView(string Id, string Type, string TwinId, DateTimeOffset At, string Reason, JsonElement Data)
{
    public static NotificationView From(Notification n)
    {
        using var data = JsonDocument.Parse(n.DataJson);
        return new(n.Id, n.Type, n.TwinId, n.At, n.Reason, data.RootElement.Clone());
    }
}
