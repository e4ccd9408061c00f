namespace FleetTwins.Ingestion.Options;

/// <summary>The GPS tracker push endpoint.</summary>
public sealed class TrackerOptions : IPushEndpointOptions
{
    public bool Enabled { get; set; } = true;

    public List<string> AllowedSources { get; set; } = [];

    bool IPushEndpointOptions.HasCredentials => Tokens.Count > 0;

    /// <summary>The fewest characters a token may have: a shorter one can be guessed.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary><c>Ingestion__Tracker__Tokens__N</c>: bearer tokens a tracker platform may present, each at least 16 characters.</summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>
    /// <c>Ingestion__Tracker__Secrets__N</c>: optional <c>whsec_</c> secrets. The tracker document names a request
    /// signature as an enterprise option without specifying one; with secrets set, every push must also carry a
    /// Standard Webhooks signature (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>).
    /// </summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>How far Device_Time may be ahead of Server_Time before the push is refused.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(2);
}
