namespace FleetTwins.Ingestion.Webhooks;

/// <summary>The push providers' rate limit, taken from once a delivery's signature or token holds.</summary>
public interface IPushRateLimit
{
    /// <summary>Null when the delivery may go ahead, else the seconds the provider should wait.</summary>
    int? RetryAfterSeconds(string provider);
}
