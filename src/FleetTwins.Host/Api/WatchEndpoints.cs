using System.Text.Json;
using System.Threading.Channels;
using FleetTwins.Notifications;
using FleetTwins.Vehicles;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api;

/// <summary>
/// <c>GET /api/vehicles/{id}/watch</c>: Server-Sent Events of one twin — <c>twin</c> (the snapshot, first as it is
/// now, then after every change) and <c>notification</c> events, live. Each watcher has a bounded buffer: when it
/// reads too slowly the oldest events are dropped and a <c>dropped</c> event says how many.
/// </summary>
public static class WatchEndpoints
{
    /// <summary>Events a watcher may fall behind by before the oldest are dropped.</summary>
    public const int BufferSize = 256;

    private static readonly TimeSpan Renewal = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapWatchEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/vehicles/{id}/watch", WatchAsync).WithTags("Vehicles").WithName("WatchVehicle");
        return routes;
    }

    private static async Task WatchAsync(string id, HttpContext context, IGrainFactory grains, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            await TypedResults.Problem(statusCode: 400, title: "Invalid twin id", detail: "A twin id is letters, digits or '-', '_', '.', ':'.").ExecuteAsync(context);
            return;
        }

        var vehicle = grains.GetGrain<IVehicleTwinGrain>(id);
        if (await vehicle.GetAsync() is not { } current)
        {
            await TypedResults.Problem(statusCode: 404, title: "No such vehicle", detail: $"No vehicle twin has the id '{id}'.").ExecuteAsync(context);
            return;
        }

        var dropped = 0;
        var events = Channel.CreateBounded<(string Name, object Data)>(
            new BoundedChannelOptions(BufferSize) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref dropped));
        var watcher = new Watcher(events.Writer);
        var reference = grains.CreateObjectReference<IVehicleWatcher>(watcher);
        var aborted = context.RequestAborted;
        try
        {
            await vehicle.WatchAsync(reference);
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            await WriteAsync(context, "twin", current, json.Value.SerializerOptions, aborted);
            var renewAt = DateTime.UtcNow + Renewal;
            while (!aborted.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                wait.CancelAfter(KeepAlive);
                try
                {
                    var (name, data) = await events.Reader.ReadAsync(wait.Token);
                    if (Interlocked.Exchange(ref dropped, 0) is > 0 and var lost)
                    {
                        await WriteAsync(context, "dropped", new { dropped = lost }, json.Value.SerializerOptions, aborted);
                    }

                    await WriteAsync(context, name, data, json.Value.SerializerOptions, aborted);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", aborted);
                    await context.Response.Body.FlushAsync(aborted);
                }

                if (DateTime.UtcNow >= renewAt)
                {
                    await vehicle.WatchAsync(reference);
                    renewAt = DateTime.UtcNow + Renewal;
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The watcher went away.
        }
        finally
        {
            try
            {
                await vehicle.UnwatchAsync(reference);
            }
            catch (Exception)
            {
                // Best effort: an unrenewed watcher expires on its own.
            }

            grains.DeleteObjectReference<IVehicleWatcher>(reference);
        }
    }

    private static async Task WriteAsync(HttpContext context, string name, object data, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, data.GetType(), options)}\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>The twin's one-way calls land here and wait in the bounded buffer.</summary>
    private sealed class Watcher(ChannelWriter<(string, object)> events) : IVehicleWatcher
    {
        public Task OnTwinChanged(VehicleTwin twin)
        {
            events.TryWrite(("twin", twin));
            return Task.CompletedTask;
        }

        public Task OnNotification(Notification notification)
        {
            events.TryWrite(("notification", VehicleEndpoints.NotificationView.From(notification)));
            return Task.CompletedTask;
        }
    }
}
