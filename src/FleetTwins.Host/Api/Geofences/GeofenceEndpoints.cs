using FleetTwins.Abstractions.Geofences;
using FleetTwins.Abstractions.Rules;
using FleetTwins.Grains.Geofences;
using FleetTwins.Grains.Rules;
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
        IGrainFactory grains, GeofenceCatalog catalog, CancellationToken cancellationToken)
    {
        if (request.Id is null)
        {
            return Invalid("id is required: 1 to 64 letters, digits, '-', '_' or '.'.");
        }

        var (geofence, error) = GeofenceRequests.Validate(request.Id, request);
        if (geofence is null)
        {
            return Invalid(error!);
        }

        var put = await GeofenceRegistry.Get(grains).PutAsync(geofence, createOnly: true);
        if (put.Status == GeofencePutStatus.Exists)
        {
            return new ConflictProblem("Geofence exists", $"A geofence has the id '{geofence.Id}'; PUT /api/geofences/{geofence.Id} replaces it.");
        }

        await catalog.RefreshAsync(cancellationToken);
        return TypedResults.Created($"/api/geofences/{geofence.Id}", GeofenceView.From(put.Geofence));
    }

    private static async Task<Results<Created<GeofenceView>, Ok<GeofenceView>, BadRequestProblem>> PutAsync(string id, GeofenceRequest request,
        IGrainFactory grains, GeofenceCatalog catalog, CancellationToken cancellationToken)
    {
        var (geofence, error) = GeofenceRequests.Validate(id, request);
        if (geofence is null)
        {
            return Invalid(error!);
        }

        var put = await GeofenceRegistry.Get(grains).PutAsync(geofence, createOnly: false);
        await catalog.RefreshAsync(cancellationToken);
        var view = GeofenceView.From(put.Geofence);
        return put.Status == GeofencePutStatus.Created ? TypedResults.Created($"/api/geofences/{id}", view) : TypedResults.Ok(view);
    }

    private static async Task<Results<NoContent, BadRequestProblem, NotFoundProblem, ConflictProblem>> DeleteAsync(string id, IGrainFactory grains,
        GeofenceCatalog catalog, RuleCatalog rules, CancellationToken cancellationToken)
    {
        if (!GeofenceRequests.IsValidId(id))
        {
            return Invalid(GeofenceRequests.InvalidId);
        }

        var users = (await rules.GetAsync(await grains.GetGrain<IRuleRegistryGrain>(IRuleRegistryGrain.Key).GetVersionAsync())).Rules
            .Where(r => r.Geofences.Contains(id)).Select(r => r.Rule.Id).ToList();
        if (users.Count > 0)
        {
            return new ConflictProblem("Geofence in use", $"Rules {string.Join(", ", users)} ask inside({id}): change or delete them first.");
        }

        if (!await GeofenceRegistry.Get(grains).DeleteAsync(id))
        {
            return NotFound(id);
        }

        await catalog.RefreshAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<GeofenceView>, BadRequestProblem, NotFoundProblem>> GetAsync(string id, IGrainFactory grains)
    {
        if (!GeofenceRequests.IsValidId(id))
        {
            return Invalid(GeofenceRequests.InvalidId);
        }

        return await GeofenceRegistry.Get(grains).GetAsync(id) is { } geofence ? TypedResults.Ok(GeofenceView.From(geofence)) : NotFound(id);
    }

    private static async Task<Results<Ok<GeofencePage>, BadRequestProblem>> ListAsync(int? limit, string? cursor, IGrainFactory grains)
    {
        if (limit is < 1 or > MaxListLimit)
        {
            return new BadRequestProblem("Invalid limit", $"limit is a whole number from 1 to {MaxListLimit}.");
        }

        if (cursor is not null && !GeofenceRequests.IsValidId(cursor))
        {
            return new BadRequestProblem("Invalid cursor", "cursor is the nextCursor of the previous page.");
        }

        var take = limit ?? 100;
        var geofences = await GeofenceRegistry.Get(grains).ListAsync(cursor, take + 1);
        var page = geofences.Take(take).Select(GeofenceView.From).ToList();
        return TypedResults.Ok(new GeofencePage(page, geofences.Count > take ? page[^1].Id : null));
    }

    private static BadRequestProblem Invalid(string detail) => new("Invalid geofence", detail);

    private static NotFoundProblem NotFound(string id) => new("No such geofence", $"No geofence has the id '{id}'.");
}
