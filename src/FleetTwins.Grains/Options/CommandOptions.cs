namespace FleetTwins.Grains.Options;

/// <summary>The <c>Commands</c> configuration section: how long a command may go without an outcome.</summary>
public sealed class CommandOptions
{
    public const string Section = "Commands";

    /// <summary>A command with no outcome (CONFIRMED or FAILED) this long after it was sent is TIMED_OUT.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the durable reminder checks a twin's open commands for timeouts.</summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an idempotency key answers the command it created, even once that command is no longer among the newest 50.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);
}
