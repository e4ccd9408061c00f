using System.Collections.Concurrent;
using System.Diagnostics;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Telemetry;

namespace FleetTwins.Grains.Tests.Telemetry;

/// <summary>A delivery's trace: its ingest span, the twin grain call Orleans traces, and the publication of what it raised.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TraceTests(ClusterFixture fixture)
{
    [Fact]
    public async Task One_delivery_is_one_trace_from_its_ingest_span_through_the_twin_to_the_publication_of_its_notification()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is FleetTwinsActivities.SourceName or "Microsoft.Orleans.Runtime" or "Microsoft.Orleans.Application",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var id = $"traced-{Guid.NewGuid():N}";
        var deliveryId = $"d-{Guid.NewGuid():N}";
        ActivityTraceId trace;
        using (var ingest = Ingestion.Telemetry.IngestionActivities.StartIngest(deliveryId, Sources.Tracker, "sos"))
        {
            Assert.NotNull(ingest);
            trace = ingest.TraceId;
            await fixture.Client.GetGrain<IVehicleTwinGrain>(id).ApplyAsync(new TwinEventBatch<VehicleEvent>(deliveryId, Sources.Tracker,
                [new TrackerEventReported("sos", 0, null) { At = fixture.Clock.GetUtcNow() }]), new VehicleIdentity(null, []));
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !spans.Any(s => s.OperationName == "notifications.publish" && (string?)s.GetTagItem("fleettwins.twin_id") == id))
        {
            await Task.Delay(50);
        }

        // The grain call ran in the delivery's trace, and so did the outbox's publication of the sos it raised.
        Assert.Contains(spans, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.TraceId == trace);
        var publish = Assert.Single(spans, s => s.OperationName == "notifications.publish" && (string?)s.GetTagItem("fleettwins.twin_id") == id);
        Assert.Equal(trace, publish.TraceId);
        Assert.Equal(ActivityKind.Producer, publish.Kind);

        // What the sink received carries the trace on, for the broker message or webhook it becomes.
        var sos = Assert.Single(fixture.Sink.Received, n => n.TwinId == id && n.Type == "sos");
        Assert.Contains(trace.ToHexString(), sos.TraceParent);
    }
}
