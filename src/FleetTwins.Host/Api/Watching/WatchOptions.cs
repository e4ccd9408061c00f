namespace FleetTwins.Host.Api.Watching;

/// <summary>
/// The <c>Watches</c> section: how many live watches (SSE and gRPC streams alike) the host holds open, each one a
/// connection and a file descriptor for as long as the watcher stays.
/// </summary>
public sealed class WatchOptions
{
    public const string Section = "Watches";

    /// <summary>Open watches one API key may hold (all loopback callers are one key without keys); 429 beyond.</summary>
    public int MaxPerKey { get; set; } = 100;

    /// <summary>Open watches the host holds for every caller together; 429 beyond.</summary>
    public int MaxTotal { get; set; } = 1_000;
}
