using FleetTwins.Host.Api.Conventions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetTwins.Host.Api.Geofences;

/// <summary><c>/api/geofences</c>: the fleet's geofences, written with the admin scope and read with the read scope.</summary>
public static class GeofenceEndpoints
{
    /// <summary>The largest geofence body read (a 10,000-position polygon is about 400 KB); a larger one is a 413 before it is read.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The most geofences one list page shows.</summary>
    public const int MaxListLimit = 1000;

    public static IEndpointRouteBuilder MapGeofenceEndpoints(this IEndpointRouteBuilder routes)
    {
        var geofences = routes.MapApiGroup("/api/geofences", "Geofences");
        geofences.MapPost("/", CreateAsync).WithName("CreateGeofence").RequireAuthorization(ApiScopes.Admin).WithBodyLimit(MaxBodyBytes)
            .WithSummary("Creates a geofence (a GeoJSON Polygon or MultiPolygon, or a circle); 409 when the id is taken.");
        geofences.MapPut("/{id}", PutAsync).WithName("PutGeofence").RequireAuthorization(ApiScopes.Admin).WithBodyLimit(MaxBodyBytes)
            .WithSummary("Creates (201) or replaces (200) the geofence; twins use the new one within about a second.");
        geofences.MapDelete("/{id}", DeleteAsync).WithName("DeleteGeofence").RequireAuthorization(ApiScopes.Admin)
            .WithSummary("Deletes the geofence; twins inside it leave it (geofence-exited, reason deleted).");
        geofences.MapGet("/{id}", GetAsync).WithName("GetGeofence").RequireAuthorization(ApiScopes.Read)
            .WithSummary("The geofence.");
        geofences.MapGet("/", ListAsync).WithName("ListGeofences").RequireAuthorization(ApiScopes.Read)
            .WithSummary("The geofences in id order, paged (limit 1 to 1000, default 100; cursor: the previous page's nextCursor).");
        return routes;
    }

    private static async Task<Results<Created<GeofenceView>, BadRequestProblem, ConflictProblem>> CreateAsync(GeofenceRequest request,
        GeofenceAdministration geofences, CancellationToken cancellationToken)
    {
        if (request.Id is null)
        {
            return Invalid("id is required: 1 to 64 letters, digits, '-', '_' or '.'.");
        }

        return await geofences.PutAsync(request.Id, request, createOnly: true, cancellationToken) switch
        {
            GeofencePut.Invalid invalid => Invalid(invalid.Problem),
            GeofencePut.Exists exists => new ConflictProblem("Geofence exists", $"A geofence has the id '{exists.Id}'; PUT /api/geofences/{exists.Id} replaces it."),
            GeofencePut.Written written => TypedResults.Created($"/api/geofences/{written.Geofence.Id}", written.Geofence),
            _ => throw new InvalidOperationException("A geofence put has no other outcome."),
        };
    }

    private static async Task<Results<Created<GeofenceView>, Ok<GeofenceView>, BadRequestProblem>> PutAsync(string id, GeofenceRequest request,
        GeofenceAdministration geofences, CancellationToken cancellationToken) =>
        await geofences.PutAsync(id, request, createOnly: false, cancellationToken) switch
        {
            GeofencePut.Invalid invalid => Invalid(invalid.Problem),
            GeofencePut.Written { Created: true } written => TypedResults.Created($"/api/geofences/{id}", written.Geofence),
            GeofencePut.Written written => TypedResults.Ok(written.Geofence),
            _ => throw new InvalidOperationException("A put that may replace never finds the id taken."),
        };

    private static async Task<Results<NoContent, BadRequestProblem, NotFoundProblem, ConflictProblem>> DeleteAsync(string id,
        GeofenceAdministration geofences, CancellationToken cancellationToken) =>
        await geofences.DeleteAsync(id, cancellationToken) switch
        {
            (GeofenceDeletion.InvalidId, _) => Invalid(GeofenceRequests.InvalidId),
            (GeofenceDeletion.InUse, var users) => new ConflictProblem("Geofence in use", GeofenceAdministration.InUse(id, users)),
            (GeofenceDeletion.NotFound, _) => NotFound(id),
            _ => TypedResults.NoContent(),
        };

    private static async Task<Results<Ok<GeofenceView>, BadRequestProblem, NotFoundProblem>> GetAsync(string id, GeofenceAdministration geofences) =>
        await geofences.GetAsync(id) switch
        {
            (_, { } problem) => Invalid(problem),
            ({ } geofence, _) => TypedResults.Ok(geofence),
            _ => NotFound(id),
        };

    private static async Task<Results<Ok<GeofencePage>, BadRequestProblem>> ListAsync(int? limit, string? cursor, GeofenceAdministration geofences) =>
        await geofences.ListAsync(limit, cursor) switch
        {
            ({ } page, _, _) => TypedResults.Ok(page),
            (_, var parameter, var problem) => new BadRequestProblem($"Invalid {parameter}", problem!),
        };

    private static BadRequestProblem Invalid(string detail) => new("Invalid geofence", detail);

    /// <summary>Why a geofence could not be found.</summary>
    public static string NoGeofence(string id) => $"No geofence has the id '{id}'.";

    private static NotFoundProblem NotFound(string id) => new("No such geofence", NoGeofence(id));
}
