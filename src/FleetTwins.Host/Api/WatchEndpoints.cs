using System.Text.Json;
using FleetTwins.Host.Api.Watching;
using FleetTwins.Search.Filters;
using FleetTwins.Abstractions.Vehicles;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api;

/// <summary>
/// Live watches as Server-Sent Events: <c>GET /api/vehicles/{id}/watch</c> (one twin: <c>twin</c>,
/// <c>notification</c>, <c>command</c>) and <c>GET /api/fleet/watch?filter=</c> (every matching twin: <c>vehicle</c>,
/// <c>notification</c>, <c>left</c>). A watcher that falls <see cref="WatchSession.BufferSize"/> events behind loses
/// the oldest and gets a <c>dropped</c> event (<c>{"dropped": n}</c>); a <c>: keep-alive</c> comment every 15 s.
/// </summary>
public static class WatchEndpoints
{
    public static IEndpointRouteBuilder MapWatchEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/vehicles/{id}/watch", WatchVehicleAsync).WithTags("Vehicles").WithName("WatchVehicle")
            .WithSummary("Server-Sent Events of one vehicle twin: twin, notification, command, dropped.")
            .Produces(200, contentType: "text/event-stream").ProducesProblem(400).ProducesProblem(404)
            .RequireAuthorization(ApiScopes.Read);
        routes.MapGet("/api/fleet/watch", WatchFleetAsync).WithTags("Fleet").WithName("WatchFleet")
            .WithSummary("Server-Sent Events of every vehicle matching the filter: vehicle, notification, left, dropped.")
            .Produces(200, contentType: "text/event-stream").ProducesProblem(400)
            .RequireAuthorization(ApiScopes.Read);
        return routes;
    }

    private static async Task WatchVehicleAsync(string id, HttpContext context, IGrainFactory grains, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            await VehicleEndpoints.InvalidId(id).ExecuteAsync(context);
            return;
        }

        var vehicle = grains.GetGrain<IVehicleTwinGrain>(id);
        if (await vehicle.GetAsync() is not { } current)
        {
            await VehicleEndpoints.NotFound(id).ExecuteAsync(context);
            return;
        }

        await StreamAsync(context, VehicleWatch.RunAsync(grains, vehicle, current, context.RequestAborted), json.Value.SerializerOptions);
    }

    private static async Task WatchFleetAsync(string? filter, HttpContext context, IGrainFactory grains, TimeProvider clock, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        Filter parsed;
        try
        {
            parsed = FilterParser.Parse(filter);
        }
        catch (FilterException e)
        {
            await FleetEndpoints.InvalidFilter(e).ExecuteAsync(context);
            return;
        }

        await StreamAsync(context, FleetWatch.RunAsync(grains, parsed, clock, context.RequestAborted), json.Value.SerializerOptions);
    }

    /// <summary>An event's data as the REST API shows it (a command with its arguments as JSON).</summary>
    private static string Serialize(object data, JsonSerializerOptions options) => data is FleetTwins.Abstractions.Commands.VehicleCommand command
        ? JsonSerializer.Serialize(CommandEndpoints.CommandView.From(command), options)
        : JsonSerializer.Serialize(data, data.GetType(), options);

    private static async Task StreamAsync(HttpContext context, IAsyncEnumerable<WatchEvent> events, JsonSerializerOptions options)
    {
        var aborted = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await context.Response.Body.FlushAsync(aborted);
            await foreach (var e in events.WithCancellation(aborted))
            {
                var frame = e.Name == WatchEvent.KeepAlive
                    ? ": keep-alive\n\n"
                    : $"event: {e.Name}\ndata: {Serialize(e.Data!, options)}\n\n";
                await context.Response.WriteAsync(frame, aborted);
                await context.Response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The watcher went away.
        }
    }
}
