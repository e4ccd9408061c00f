using System.Text.Json.Serialization;
using FleetTwins.Abstractions.History;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Host.Api.Conventions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetTwins.Host.Api.History;

/// <summary>
/// History and time travel, from the twin's journal (<see cref="IVehicleHistoryGrain"/>):
/// <c>/api/vehicles/{id}/history</c>, <c>/trips</c>, <c>/trips/{tripId}/track</c>; <c>?asOf=</c> and
/// <c>/notifications?from=&amp;to=</c> are answered here for <see cref="VehicleEndpoints"/>.
/// </summary>
public static class HistoryEndpoints
{
    /// <summary>One accepted reading as the API shows it.</summary>
    public sealed record HistoryItem(
        string Reading,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key,
        DateTimeOffset At,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Value,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Unit,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? State,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Latitude,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Longitude,
        string Source,
        string? DeliveryId,
        bool Applied,
        bool Late,
        DateTimeOffset ReceivedAt,
        long Sequence)
    {
        public static HistoryItem From(HistoryPoint p) => new(p.Reading, p.Key, p.At, p.Value, p.Unit, p.State, p.Latitude, p.Longitude,
            p.Source, p.DeliveryId, p.Applied, !p.Applied, p.ReceivedAt, p.Sequence);
    }

    /// <summary>A page of readings.</summary>
    public sealed record HistoryAnswer(string TwinId, string Reading, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<HistoryItem> Items,
        string? NextCursor, DateTimeOffset? RetainedFrom);

    /// <summary>One trip as the API shows it; <see cref="SocUsed"/> is start minus end.</summary>
    public sealed record TripItem(string Id, string Source, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, double? DistanceKm,
        double? EnergyUsedKwh, double? SocStart, double? SocEnd, double? SocUsed, int Positions)
    {
        public static TripItem From(TripRecord t) => new(t.Id, t.Source, t.StartedAt, t.EndedAt, t.DistanceKm, t.EnergyUsedKwh, t.SocStart,
            t.SocEnd, t.SocStart - t.SocEnd, t.Positions);
    }

    /// <summary>A page of trips.</summary>
    public sealed record TripsAnswer(string TwinId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<TripItem> Items, string? NextCursor);

    /// <summary>A GeoJSON LineString geometry: positions as [longitude, latitude].</summary>
    public sealed record LineString(IReadOnlyList<double[]> Coordinates)
    {
        public string Type => "LineString";
    }

    /// <summary>What a track's feature says beside its geometry.</summary>
    public sealed record TrackProperties(string TwinId, TripItem Trip, IReadOnlyList<DateTimeOffset> Times, string? NextCursor);

    /// <summary>A GeoJSON Feature (RFC 7946) holding a trip's track.</summary>
    public sealed record TrackFeature(LineString Geometry, TrackProperties Properties)
    {
        public string Type => "Feature";
    }

    /// <summary>A page of notifications.</summary>
    public sealed record NotificationsAnswer(string TwinId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<NotificationView> Items,
        string? NextCursor);

    /// <summary>The most positions one track page holds.</summary>
    public const int MaxTrackLimit = 10_000;

    public static IEndpointRouteBuilder MapHistoryEndpoints(this IEndpointRouteBuilder routes)
    {
        var vehicles = routes.MapApiGroup("/api/vehicles", "History");
        vehicles.MapGet("/{id}/history", GetHistoryAsync).WithName("GetVehicleHistory").RequireAuthorization(ApiScopes.Read)
            .WithSummary("Accepted readings of one kind (reading=stateOfCharge, location, ...) in source-time order, each applied or late; keyset paging (limit ≤ 1000, cursor).");
        vehicles.MapGet("/{id}/trips", ListTripsAsync).WithName("ListVehicleTrips").RequireAuthorization(ApiScopes.Read)
            .WithSummary("Trips that started in from..to, with distance, energy and SOC used and the number of positions; keyset paging.");
        vehicles.MapGet("/{id}/trips/{tripId}/track", GetTrackAsync).WithName("GetTripTrack").RequireAuthorization(ApiScopes.Read)
            .WithSummary("A trip's track: the positions received between its start and end, as a GeoJSON LineString Feature (limit ≤ 10000, cursor).");
        return routes;
    }

    private static async Task<Results<Ok<HistoryAnswer>, BadRequestProblem, NotFoundProblem>> GetHistoryAsync(string id, string? reading,
        string? from, string? to, string? limit, string? cursor, IGrainFactory grains, TimeProvider clock)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return VehicleEndpoints.InvalidId(id);
        }

        if (HistoryParameters.Reading(reading) is not { } kind)
        {
            return Invalid($"reading is one of {string.Join(", ", HistoryReadings.All)}.");
        }

        var (window, error) = HistoryParameters.Check(from, to, limit, clock.GetUtcNow());
        if (window is null)
        {
            return Invalid(error!);
        }

        if (!HistoryParameters.TryHistoryCursor(cursor, out var after))
        {
            return Invalid(HistoryParameters.InvalidCursor);
        }

        if (await grains.GetGrain<IVehicleTwinGrain>(id).GetAsync() is null)
        {
            return VehicleEndpoints.NotFound(id);
        }

        var page = await grains.GetGrain<IVehicleHistoryGrain>(id).GetHistoryAsync(new HistoryQuery(kind, window.From, window.To, window.Limit, after));
        return TypedResults.Ok(new HistoryAnswer(id, kind, window.From, window.To, [.. page.Items.Select(HistoryItem.From)],
            page.Next is { } next ? HistoryParameters.Cursor(next) : null, page.RetainedFrom));
    }

    private static async Task<Results<Ok<TripsAnswer>, BadRequestProblem, NotFoundProblem>> ListTripsAsync(string id, string? from, string? to,
        string? limit, string? cursor, IGrainFactory grains, TimeProvider clock)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return VehicleEndpoints.InvalidId(id);
        }

        var (window, error) = HistoryParameters.Check(from, to, limit, clock.GetUtcNow());
        if (window is null)
        {
            return Invalid(error!);
        }

        if (!HistoryParameters.TryTripCursor(cursor, out var after))
        {
            return Invalid(HistoryParameters.InvalidCursor);
        }

        if (await grains.GetGrain<IVehicleTwinGrain>(id).GetAsync() is null)
        {
            return VehicleEndpoints.NotFound(id);
        }

        var page = await grains.GetGrain<IVehicleHistoryGrain>(id).ListTripsAsync(new TripQuery(window.From, window.To, window.Limit, after));
        return TypedResults.Ok(new TripsAnswer(id, window.From, window.To, [.. page.Items.Select(TripItem.From)],
            page.Next is { } next ? HistoryParameters.Cursor(next) : null));
    }

    private static async Task<Results<GeoJson<TrackFeature>, BadRequestProblem, NotFoundProblem>> GetTrackAsync(string id, string tripId, string? limit,
        string? cursor, IGrainFactory grains)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return VehicleEndpoints.InvalidId(id);
        }

        if (tripId.Length is 0 or > 200)
        {
            return Invalid("tripId is 1 to 200 characters.");
        }

        if (HistoryParameters.CheckLimit(limit, MaxTrackLimit, MaxTrackLimit, out var count) is { } limitError)
        {
            return Invalid(limitError);
        }

        if (!HistoryParameters.TryHistoryCursor(cursor, out var after))
        {
            return Invalid(HistoryParameters.InvalidCursor);
        }

        if (await grains.GetGrain<IVehicleHistoryGrain>(id).GetTrackAsync(tripId, count, after) is not { } track)
        {
            return new NotFoundProblem("No such trip", $"The history of '{id}' holds no trip '{tripId}'.");
        }

        var feature = new TrackFeature(
            new LineString([.. track.Points.Select(p => new[] { p.Longitude, p.Latitude })]),
            new TrackProperties(id, TripItem.From(track.Trip), [.. track.Points.Select(p => p.At)],
                track.Next is { } next ? HistoryParameters.Cursor(next) : null));
        return new GeoJson<TrackFeature>(feature);
    }

    /// <summary><c>GET /api/vehicles/{id}?asOf=</c>: the twin rebuilt as it was then, with the same ETag rules.</summary>
    internal static async Task<Results<ConditionalOk<VehicleTwin>, BadRequestProblem, NotFoundProblem>> GetAsOfAsync(string id, string asOf,
        IGrainFactory grains, TimeProvider clock)
    {
        if (HistoryParameters.ParseTime(asOf) is not { } at)
        {
            return Invalid("asOf is not an ISO 8601 time such as 2026-11-30T10:00:00Z.");
        }

        if (at > clock.GetUtcNow() + TimeSpan.FromMinutes(5))
        {
            return Invalid("asOf is in the future.");
        }

        var answer = await grains.GetGrain<IVehicleHistoryGrain>(id).GetAsOfAsync(at);
        if (answer.Twin is { } twin)
        {
            return new ConditionalOk<VehicleTwin>(twin);
        }

        return new NotFoundProblem("No such vehicle then", answer.RetainedFrom is { } retained && at < retained
            ? $"The history of '{id}' starts at {retained:O}; {at:O} is before it."
            : $"No vehicle twin had the id '{id}' at {at:O}.");
    }

    /// <summary><c>GET /api/vehicles/{id}/notifications?from=&amp;to=&amp;limit=&amp;cursor=</c>: notifications in a window, oldest first.</summary>
    internal static async Task<Results<Ok<NotificationsAnswer>, Ok<IEnumerable<NotificationView>>, BadRequestProblem, NotFoundProblem>>
        GetNotificationsAsync(string id, string? from, string? to, string? limit, string? cursor, IGrainFactory grains, TimeProvider clock)
    {
        var (window, error) = HistoryParameters.Check(from, to, limit, clock.GetUtcNow());
        if (window is null)
        {
            return Invalid(error!);
        }

        if (!HistoryParameters.TryNotificationCursor(cursor, out var after))
        {
            return Invalid(HistoryParameters.InvalidCursor);
        }

        if (await grains.GetGrain<IVehicleTwinGrain>(id).GetAsync() is null)
        {
            return VehicleEndpoints.NotFound(id);
        }

        var page = await grains.GetGrain<IVehicleHistoryGrain>(id).GetNotificationsAsync(new NotificationQuery(window.From, window.To, window.Limit, after));
        return TypedResults.Ok(new NotificationsAnswer(id, window.From, window.To, [.. page.Items.Select(NotificationView.From)],
            page.Next is { } next ? HistoryParameters.Cursor(next) : null));
    }

    private static BadRequestProblem Invalid(string detail) => new("Invalid history query", detail);
}
