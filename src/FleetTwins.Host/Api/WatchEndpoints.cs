using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Host.Api.Conventions;
using FleetTwins.Host.Api.Watching;
using FleetTwins.Search.Filters;
using Microsoft.AspNetCore.Http.HttpResults;

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
        routes.MapApiGroup("/api/vehicles", "Vehicles").MapGet("/{id}/watch", WatchVehicleAsync).WithName("WatchVehicle").RequireAuthorization(ApiScopes.Read)
            .WithSummary("Server-Sent Events of one vehicle twin: twin, notification, command, dropped.");
        routes.MapApiGroup("/api/fleet", "Fleet").MapGet("/watch", WatchFleet).WithName("WatchFleet").RequireAuthorization(ApiScopes.Read)
            .WithSummary("Server-Sent Events of every vehicle matching the filter: vehicle, notification, left, dropped.");
        return routes;
    }

    private static async Task<Results<EventStream, BadRequestProblem, NotFoundProblem>> WatchVehicleAsync(string id, IGrainFactory grains,
        CancellationToken cancellationToken)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return VehicleEndpoints.InvalidId(id);
        }

        var vehicle = grains.GetGrain<IVehicleTwinGrain>(id);
        return await vehicle.GetAsync() is { } current
            ? new EventStream(VehicleWatch.RunAsync(grains, vehicle, current, cancellationToken))
            : VehicleEndpoints.NotFound(id);
    }

    private static Results<EventStream, BadRequestProblem> WatchFleet(string? filter, IGrainFactory grains, TimeProvider clock,
        CancellationToken cancellationToken)
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

        return new EventStream(FleetWatch.RunAsync(grains, parsed, clock, cancellationToken));
    }
}
