using FleetTwins.Signatures;

namespace FleetTwins.Outbound.Options;

/// <summary>What every signed webhook receiver we send to needs, commands and notifications alike: an http(s) URL and a <c>whsec_</c> secret of at least 24 bytes.</summary>
internal static class WebhookReceiverRules
{
    /// <summary>Adds a failure per rule broken, naming the setting; whether the URL itself holds.</summary>
    public static bool Check(string url, string secret, string setting, List<string> failures)
    {
        var validUrl = Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https";
        if (!validUrl)
        {
            failures.Add($"{setting}:Url '{url}' is not an http(s) URL");
        }

        try
        {
            if (SvixVerifier.DecodeSecret(secret).Length is var length and < SvixVerifier.MinimumSecretBytes)
            {
                failures.Add($"{setting}:Secret: a webhook secret must decode to at least {SvixVerifier.MinimumSecretBytes} bytes, not {length}");
            }
        }
        catch (ArgumentException)
        {
            failures.Add($"{setting}:Secret: a webhook secret must be whsec_ followed by base64");
        }

        return validUrl;
    }
}
