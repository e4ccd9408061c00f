namespace FleetTwins.Grains.Options;

/// <summary>The <c>Commands:Dispatch</c> section, as the twins' dispatch outbox reads it: how it retries a channel that fails.</summary>
public sealed class DispatchRetryOptions
{
    public const string Section = "Commands:Dispatch";

    /// <summary>The wait after a channel's first failed attempt; it doubles with each further failure.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromMinutes(1);
}
