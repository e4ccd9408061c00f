using System.Globalization;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Host.Api.Conventions;
using FleetTwins.Host.Api.Watching;
using FleetTwins.Search.Filters;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FleetTwins.Host.Api;

/// <summary>
/// Live watches as Server-Sent Events: <c>GET /api/vehicles/{id}/watch</c> (one twin: <c>twin</c>,
/// <c>notification</c>, <c>command</c>) and <c>GET /api/fleet/watch?filter=</c> (every matching twin: <c>vehicle</c>,
/// <c>notification</c>, <c>left</c>). A watcher that falls <see cref="WatchSession.BufferSize"/> events behind loses
/// the oldest and gets a <c>dropped</c> event (<c>{"dropped": n}</c>); a <c>: keep-alive</c> comment every 15 s. Each
/// key's open watches and the host's are capped (<see cref="OpenWatches"/>: 429 beyond), and a stopping host ends every
/// watch with a <c>shutdown</c> event.
/// </summary>
public static class WatchEndpoints
{
    /// <summary>When a caller refused a watch may try again: a place frees up as soon as any watch ends.</summary>
    private const int RetryAfterSeconds = 5;

    public static IEndpointRouteBuilder MapWatchEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapApiGroup("/api/vehicles", "Vehicles").MapGet("/{id}/watch", WatchVehicleAsync).WithName("WatchVehicle").RequireAuthorization(ApiScopes.Read)
            .WithSummary("Server-Sent Events of one vehicle twin: twin, notification, command, dropped, shutdown; Last-Event-ID resumes.");
        routes.MapApiGroup("/api/fleet", "Fleet").MapGet("/watch", WatchFleet).WithName("WatchFleet").RequireAuthorization(ApiScopes.Read)
            .WithSummary("Server-Sent Events of every vehicle matching the filter: ready, vehicle, notification, left, dropped, shutdown.");
        return routes;
    }

    private static async Task<Results<EventStream, BadRequestProblem, NotFoundProblem, TooManyRequestsProblem>> WatchVehicleAsync(string id,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventId, HttpContext context, IGrainFactory grains, OpenWatches watches,
        CancellationToken cancellationToken)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return VehicleEndpoints.InvalidId(id);
        }

        long? resumeAfter = null;
        if (lastEventId is not null)
        {
            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return new BadRequestProblem("Invalid Last-Event-ID", $"Last-Event-ID '{lastEventId}' is not a twin version this watch sent");
            }

            resumeAfter = version;
        }

        var vehicle = grains.GetGrain<IVehicleTwinGrain>(id);
        if (await vehicle.GetAsync() is not { } current)
        {
            return VehicleEndpoints.NotFound(id);
        }

        return watches.TryOpen(context, out var refusal) is { } place
            ? new EventStream(VehicleWatch.RunAsync(grains, vehicle, current, resumeAfter, cancellationToken), place)
            : TooManyWatches(context, refusal!);
    }

    /// <summary>A fleet watch has no event ids: a watcher that reconnects starts afresh with <c>ready</c>.</summary>
    private static Results<EventStream, BadRequestProblem, TooManyRequestsProblem> WatchFleet(string? filter, HttpContext context, IGrainFactory grains,
        OpenWatches watches, TimeProvider clock, CancellationToken cancellationToken)
    {
        Filter parsed;
        try
        {
            parsed = FilterParser.Parse(filter);
        }
        catch (FilterException e)
        {
            return FleetEndpoints.InvalidFilter(e);
        }

        return watches.TryOpen(context, out var refusal) is { } place
            ? new EventStream(FleetWatch.RunAsync(grains, parsed, clock, cancellationToken), place)
            : TooManyWatches(context, refusal!);
    }

    private static TooManyRequestsProblem TooManyWatches(HttpContext context, string refusal)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return new TooManyRequestsProblem("Too many watches", refusal);
    }
}
