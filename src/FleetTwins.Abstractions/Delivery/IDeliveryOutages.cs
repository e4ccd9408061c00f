namespace FleetTwins.Abstractions.Delivery;

/// <summary>
/// Where a stream subscriber reports that a delivery failed for a reason that passes (storage down, a silo gone), so
/// that the transport hands the message back to come again rather than parking it as poison.
/// </summary>
public interface IDeliveryOutages
{
    /// <summary>A delivery just failed because something it needs is unavailable.</summary>
    void Report();

    /// <summary>
    /// A delivery just failed because something it needs refuses until an operator acts (storage read-only or
    /// damaged): an outage too, and the transport pauses taking messages rather than cycling them through the broker.
    /// </summary>
    void ReportRefusal();
}
