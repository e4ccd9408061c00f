namespace FleetTwins.Ingestion.Parsing;

/// <summary>The clock every ingestion path gives its parsers, with the future skew it allows (<c>Ingestion:MaxFutureSkew</c>).</summary>
public sealed class IngestionClock(TimeProvider clock, TimeSpan maxFutureSkew)
{
    public TimeSpan MaxFutureSkew => maxFutureSkew;

    /// <summary>The limit for a payload arriving now.</summary>
    public FutureLimit Now() => new(clock.GetUtcNow(), maxFutureSkew);
}
