using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Telemetry;
using FleetTwins.Ingestion.Providers.Invers;
using FleetTwins.Ingestion.Providers.Telematica;
using FleetTwins.Ingestion.Providers.Tracker;
using FleetTwins.Ingestion.Providers.Volteras;
using FleetTwins.Ingestion.Routing;

namespace FleetTwins.Ingestion.Telemetry;

/// <summary>
/// Ingestion's instruments on the meter <c>FleetTwins</c> (Prometheus names in brackets): deliveries by provider, type
/// and outcome [<c>fleettwins_ingestion_deliveries_total</c>], the time to apply and persist one
/// [<c>fleettwins_ingestion_apply_duration_seconds</c>], the age of its newest reading when applied
/// [<c>fleettwins_ingestion_lag_seconds</c>] and the messages waiting in each AMQP queue [<c>fleettwins_amqp_queue_ready</c>].
/// </summary>
public sealed class IngestionMetrics
{
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    private static readonly double[] LagBuckets = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 21600, 86400];

    private readonly Counter<long> deliveries;
    private readonly Histogram<double> applyDuration;
    private readonly Histogram<double> lag;
    private readonly ConcurrentDictionary<string, long> queueDepths = new();
    private readonly TimeProvider clock;

    public IngestionMetrics(IMeterFactory meters, TimeProvider clock)
    {
        this.clock = clock;
        var meter = meters.Create(TwinMetrics.MeterName);
        deliveries = meter.CreateCounter<long>("fleettwins.ingestion.deliveries", unit: "{delivery}",
            description: "Provider deliveries, by provider, event type and outcome (applied, duplicate, unknown-type, invalid, unavailable, parked, ...).");
        applyDuration = meter.CreateHistogram("fleettwins.ingestion.apply.duration", unit: "s",
            description: "Time to apply a delivery to its twins and persist them, by provider.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        lag = meter.CreateHistogram("fleettwins.ingestion.lag", unit: "s",
            description: "Age of a delivery's newest reading when it was applied (provider clock to durable twin), by provider.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
        meter.CreateObservableGauge("fleettwins.amqp.queue.ready", () => queueDepths.Select(q => new Measurement<long>(q.Value, new KeyValuePair<string, object?>("queue", q.Key))),
            unit: "{message}", description: "Messages ready in each consumed AMQP queue (the consumer lag), as last polled.");
    }

    /// <summary>
    /// Counts a delivery. The type label is a type the parsers know, or <c>unknown</c>: a label value per name a sender
    /// makes up would grow <c>/metrics</c> without bound and push real series out (the name belongs in the log).
    /// </summary>
    public void Count(string provider, string eventType, string outcome) =>
        deliveries.Add(1, new("provider", provider), new("type", TypeLabel(provider, eventType)), new("outcome", outcome));

    /// <summary>The label an event type is counted under: itself when a parser of the provider knows it, "" for none, else <c>unknown</c>.</summary>
    public static string TypeLabel(string provider, string eventType) =>
        eventType.Length == 0 || KnownTypes.GetValueOrDefault(provider)?.Contains(eventType) == true ? eventType : "unknown";

    private static readonly Dictionary<string, IReadOnlySet<string>> KnownTypes = new(StringComparer.Ordinal)
    {
        [Sources.Telematica] = TelematicaParser.EventTypes,
        [Sources.Volteras] = VolterasParser.EventTypes,
        [Sources.Tracker] = TrackerParser.EventTypes,
        [Sources.Invers] = InversParser.KnownVersions.Keys.ToHashSet(StringComparer.Ordinal),
    };

    /// <summary>A delivery routed: its outcome, how long applying it took and how old its newest reading was.</summary>
    public void Applied(string provider, string eventType, RouteResult result, TimeSpan took, IReadOnlyList<Routed> routed)
    {
        // A type the provider's parser does not list but applied all the same (a tracker's unknown Event) is still counted as unknown.
        Count(provider, eventType, result.IsDuplicate ? "duplicate" : TypeLabel(provider, eventType) == "unknown" ? "unknown-type" : "applied");
        var tag = new KeyValuePair<string, object?>("provider", provider);
        applyDuration.Record(took.TotalSeconds, tag);
        if (!result.IsDuplicate && Newest(routed) is { } newest)
        {
            lag.Record(Math.Max(0, (clock.GetUtcNow() - newest).TotalSeconds), tag);
        }
    }

    public void QueueReady(string queue, long ready) => queueDepths[queue] = ready;

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
