using System.Diagnostics;
using FleetTwins.Abstractions.Events;
using FleetTwins.Host.Webhooks;
using FleetTwins.Ingestion.Webhooks;

namespace FleetTwins.Host.Benchmarks;

/// <summary>
/// With <c>Benchmark:FloorEndpoints</c> only: <c>GET /benchmark/process</c>, this process's CPU time and managed
/// allocations so far, which the benchmarks read before and after a phase to report CPU and bytes per event; and
/// <c>POST /webhooks/floor/volteras/{eventType}</c>, the webhook benchmark's floor (tools/bench/webhook.sh): the
/// same body read and signature check as a Volteras delivery, no parse, no twin.
/// </summary>
public static class BenchmarkEndpoints
{
    public static WebApplication MapFleetTwinsBenchmarkEndpoints(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>("Benchmark:FloorEndpoints"))
        {
            app.MapGet("/benchmark/process", () =>
            {
                using var process = Process.GetCurrentProcess();
                return Results.Json(new
                {
                    cpuMilliseconds = process.TotalProcessorTime.TotalMilliseconds,
                    allocatedBytes = GC.GetTotalAllocatedBytes(precise: false),
                    heapBytes = GC.GetTotalMemory(forceFullCollection: false),
                    gen0Collections = GC.CollectionCount(0),
                    gen1Collections = GC.CollectionCount(1),
                    gen2Collections = GC.CollectionCount(2),
                });
            }).AllowAnonymous().ExcludeFromDescription();
            app.MapPost("/webhooks/floor/volteras/{eventType}", (HttpRequest request, SignedWebhookIngestion signed, CancellationToken ct) =>
                signed.VerifyOnlyAsync(Sources.Volteras, request.Delivery(), ct).Answer()).AllowAnonymous().ExcludeFromDescription();
        }

        return app;
    }
}
