using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FleetTwins.Grains.Telemetry;

/// <summary>
/// The twins' instruments on the meter <c>FleetTwins</c> (Prometheus names in brackets): notifications raised and
/// handed to the sink [<c>fleettwins_notifications_raised_total</c>, <c>fleettwins_notifications_published_total</c>]
/// and the outbox of the twins active on this silo [<c>fleettwins_outbox_depth</c>, <c>fleettwins_outbox_age_seconds</c>];
/// commands handed to their dispatchers [<c>fleettwins_commands_dispatched_total</c>].
/// Ingestion adds its own to the same meter (FleetTwins.Ingestion's <c>IngestionMetrics</c>).
/// </summary>
public sealed class TwinMetrics
{
    public const string MeterName = "FleetTwins";

    private readonly Counter<long> raised;
    private readonly Counter<long> published;
    private readonly Counter<long> dispatched;
    private readonly ConcurrentDictionary<string, (int Depth, DateTimeOffset Oldest)> outboxes = new();
    private readonly TimeProvider clock;

    public TwinMetrics(IMeterFactory meters, TimeProvider clock)
    {
        this.clock = clock;
        var meter = meters.Create(MeterName);
        raised = meter.CreateCounter<long>("fleettwins.notifications.raised", unit: "{notification}",
            description: "Notifications raised by the twins' rules, by type.");
        published = meter.CreateCounter<long>("fleettwins.notifications.published", unit: "{notification}",
            description: "Notifications handed to the sink, by outcome (delivered, failed: kept in the outbox and retried).");
        dispatched = meter.CreateCounter<long>("fleettwins.commands.dispatched", unit: "{attempt}",
            description: "Attempts to hand a command to a dispatch channel, by channel kind (exchange, webhook) and outcome (delivered, failed: retried).");
        meter.CreateObservableGauge("fleettwins.outbox.depth", () => (long)outboxes.Values.Sum(o => o.Depth), unit: "{notification}",
            description: "Notifications waiting in the outboxes of the twins active on this silo.");
        meter.CreateObservableGauge("fleettwins.outbox.age", OldestOutboxAge, unit: "s",
            description: "How long the oldest notification in an outbox on this silo has been waiting (0 when none).");
    }

    public void Raised(string type) => raised.Add(1, new KeyValuePair<string, object?>("type", type));

    public void Published(int count, bool delivered) =>
        published.Add(count, new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));

    public void Dispatched(string channel, bool delivered) =>
        dispatched.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));

    /// <summary>What a twin's outbox holds now (nothing: it stops being counted).</summary>
    public void Outbox(string twinId, int depth, DateTimeOffset oldest)
    {
        if (depth == 0)
        {
            outboxes.TryRemove(twinId, out _);
        }
        else
        {
            outboxes[twinId] = (depth, oldest);
        }
    }

    private double OldestOutboxAge() =>
        outboxes.IsEmpty ? 0 : Math.Max(0, (clock.GetUtcNow() - outboxes.Values.Min(o => o.Oldest)).TotalSeconds);
}
