using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FleetTwins.Routing;

namespace FleetTwins.Grains.Telemetry;

/// <summary>
/// Our own instruments on the meter <c>FleetTwins</c> (Prometheus names in brackets): deliveries by provider, type
/// and outcome [<c>fleettwins_ingestion_deliveries_total</c>], the time to apply and persist one
/// [<c>fleettwins_ingestion_apply_duration_seconds</c>], the age of its newest reading when applied
/// [<c>fleettwins_ingestion_lag_seconds</c>], notifications raised and handed to the sink
/// [<c>fleettwins_notifications_raised_total</c>, <c>fleettwins_notifications_published_total</c>], the outbox of the
/// twins active on this silo [<c>fleettwins_outbox_depth</c>, <c>fleettwins_outbox_age_seconds</c>] and the messages
/// waiting in each AMQP queue [<c>fleettwins_amqp_queue_ready</c>].
/// </summary>
public sealed class FleetTwinsMetrics
{
    public const string MeterName = "FleetTwins";

    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    private static readonly double[] LagBuckets = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 21600, 86400];

    private readonly Counter<long> deliveries;
    private readonly Histogram<double> applyDuration;
    private readonly Histogram<double> lag;
    private readonly Counter<long> raised;
    private readonly Counter<long> published;
    private readonly ConcurrentDictionary<string, (int Depth, DateTimeOffset Oldest)> outboxes = new();
    private readonly ConcurrentDictionary<string, long> queueDepths = new();
    private readonly TimeProvider clock;

    public FleetTwinsMetrics(IMeterFactory meters, TimeProvider clock)
    {
        this.clock = clock;
        var meter = meters.Create(MeterName);
        deliveries = meter.CreateCounter<long>("fleettwins.ingestion.deliveries", unit: "{delivery}",
            description: "Provider deliveries, by provider, event type and outcome (applied, duplicate, unknown-type, invalid, unavailable, parked, ...).");
        applyDuration = meter.CreateHistogram("fleettwins.ingestion.apply.duration", unit: "s",
            description: "Time to apply a delivery to its twins and persist them, by provider.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        lag = meter.CreateHistogram("fleettwins.ingestion.lag", unit: "s",
            description: "Age of a delivery's newest reading when it was applied (provider clock to durable twin), by provider.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
        raised = meter.CreateCounter<long>("fleettwins.notifications.raised", unit: "{notification}",
            description: "Notifications raised by the twins' rules, by type.");
        published = meter.CreateCounter<long>("fleettwins.notifications.published", unit: "{notification}",
            description: "Notifications handed to the sink, by outcome (delivered, failed: kept in the outbox and retried).");
        meter.CreateObservableGauge("fleettwins.outbox.depth", () => (long)outboxes.Values.Sum(o => o.Depth), unit: "{notification}",
            description: "Notifications waiting in the outboxes of the twins active on this silo.");
        meter.CreateObservableGauge("fleettwins.outbox.age", OldestOutboxAge, unit: "s",
            description: "How long the oldest notification in an outbox on this silo has been waiting (0 when none).");
        meter.CreateObservableGauge("fleettwins.amqp.queue.ready", () => queueDepths.Select(q => new Measurement<long>(q.Value, new KeyValuePair<string, object?>("queue", q.Key))),
            unit: "{message}", description: "Messages ready in each consumed AMQP queue (the consumer lag), as last polled.");
    }

    public void Count(string provider, string eventType, string outcome) =>
        deliveries.Add(1, new("provider", provider), new("type", eventType), new("outcome", outcome));

    /// <summary>A delivery routed: its outcome, how long applying it took and how old its newest reading was.</summary>
    public void Applied(string provider, string eventType, RouteResult result, TimeSpan took, IReadOnlyList<Routed> routed)
    {
        Count(provider, eventType, result.IsDuplicate ? "duplicate" : "applied");
        var tag = new KeyValuePair<string, object?>("provider", provider);
        applyDuration.Record(took.TotalSeconds, tag);
        if (!result.IsDuplicate && Newest(routed) is { } newest)
        {
            lag.Record(Math.Max(0, (clock.GetUtcNow() - newest).TotalSeconds), tag);
        }
    }

    public void Raised(string type) => raised.Add(1, new KeyValuePair<string, object?>("type", type));

    public void Published(int count, bool delivered) =>
        published.Add(count, new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));

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

    public void QueueReady(string queue, long ready) => queueDepths[queue] = ready;

    private double OldestOutboxAge() =>
        outboxes.IsEmpty ? 0 : Math.Max(0, (clock.GetUtcNow() - outboxes.Values.Min(o => o.Oldest)).TotalSeconds);

    private static DateTimeOffset? Newest(IReadOnlyList<Routed> routed)
    {
        DateTimeOffset? newest = null;
        foreach (var at in routed.SelectMany(r => r switch
        {
            ForVehicle v => v.Events.Select(e => e.At),
            ForCharger c => c.Events.Select(e => e.At),
            _ => [],
        }))
        {
            if (at != default && (newest is null || at > newest))
            {
                newest = at;
            }
        }

        return newest;
    }
}
