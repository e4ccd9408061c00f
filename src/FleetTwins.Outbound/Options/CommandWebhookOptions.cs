namespace FleetTwins.Outbound.Options;

/// <summary>One HTTP receiver of commands: <c>Commands:Dispatch:Webhooks:N:Url</c>, <c>:Secret</c>, <c>:Providers:M</c>.</summary>
public sealed class CommandWebhookOptions
{
    public string Url { get; set; } = "";

    /// <summary>The Standard Webhooks secret (<c>whsec_...</c>) the receiver verifies signatures with.</summary>
    public string Secret { get; set; } = "";

    /// <summary>The providers whose commands it receives; every provider when empty.</summary>
    public List<string> Providers { get; set; } = [];

    /// <summary>The channel's name in a command's history: the URL without its query (which may carry a token).</summary>
    public string Channel => Uri.TryCreate(Url, UriKind.Absolute, out var url) ? $"webhook:{url.GetLeftPart(UriPartial.Path)}" : $"webhook:{Url}";
}
