using FleetTwins.Abstractions.Geofences;
using FleetTwins.Abstractions.Rules;
using FleetTwins.Grains.Geofences;
using FleetTwins.Grains.Rules;

namespace FleetTwins.Host.Api.Geofences;

/// <summary>What putting a geofence came to; REST and gRPC each answer it in their own terms.</summary>
public abstract record GeofencePut
{
    private GeofencePut()
    {
    }

    /// <summary>The request does not describe a geofence; <see cref="Problem"/> names the field. Nothing was stored.</summary>
    public sealed record Invalid(string Problem) : GeofencePut;

    /// <summary>Asked to create only, and a geofence has the id.</summary>
    public sealed record Exists(string Id) : GeofencePut;

    /// <summary>Stored, and the silo's catalog reloaded.</summary>
    public sealed record Written(GeofenceView Geofence, bool Created) : GeofencePut;
}

/// <summary>What deleting a geofence came to.</summary>
public enum GeofenceDeletion
{
    Deleted,
    InvalidId,
    NotFound,

    /// <summary>A rule asks <c>inside()</c> of it: nothing was deleted.</summary>
    InUse,
}

/// <summary>
/// The fleet's geofences behind both APIs (REST <c>/api/geofences</c>, gRPC <c>PutGeofence</c> and the rest): one validation
/// (<see cref="GeofenceRequests.Validate"/>), the registry calls and the catalog refresh of each use case.
/// </summary>
public sealed class GeofenceAdministration(IGrainFactory grains, GeofenceCatalog catalog, RuleCatalog rules)
{
    /// <summary>Validates <paramref name="request"/> as the geofence <paramref name="id"/> and stores it; with <paramref name="createOnly"/> only if the id is new.</summary>
    public async Task<GeofencePut> PutAsync(string id, GeofenceRequest request, bool createOnly, CancellationToken cancellationToken)
    {
        var (geofence, error) = GeofenceRequests.Validate(id, request);
        if (geofence is null)
        {
            return new GeofencePut.Invalid(error!);
        }

        var put = await GeofenceRegistry.Get(grains).PutAsync(geofence, createOnly);
        if (put.Status == GeofencePutStatus.Exists)
        {
            return new GeofencePut.Exists(geofence.Id);
        }

        await catalog.RefreshAsync(CancellationToken.None); // the write is stored: a caller gone now must not turn it into a failure
        return new GeofencePut.Written(GeofenceView.From(put.Geofence), put.Status == GeofencePutStatus.Created);
    }

    /// <summary>Deletes the geofence unless a rule asks <c>inside()</c> of it (then the users are those rules).</summary>
    public async Task<(GeofenceDeletion Outcome, IReadOnlyList<string> Users)> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!GeofenceRequests.IsValidId(id))
        {
            return (GeofenceDeletion.InvalidId, []);
        }

        var users = (await rules.GetAsync(await grains.GetGrain<IRuleRegistryGrain>(IRuleRegistryGrain.Key).GetVersionAsync())).Rules
            .Where(r => r.Geofences.Contains(id)).Select(r => r.Rule.Id).ToList();
        if (users.Count > 0)
        {
            return (GeofenceDeletion.InUse, users);
        }

        if (!await GeofenceRegistry.Get(grains).DeleteAsync(id))
        {
            return (GeofenceDeletion.NotFound, []);
        }

        await catalog.RefreshAsync(CancellationToken.None); // the write is stored: a caller gone now must not turn it into a failure
        return (GeofenceDeletion.Deleted, []);
    }

    /// <summary>The geofence <paramref name="id"/> (null when there is none), or why the id cannot be one.</summary>
    public async Task<(GeofenceView? Geofence, string? Problem)> GetAsync(string id) =>
        !GeofenceRequests.IsValidId(id) ? (null, GeofenceRequests.InvalidId)
        : await GeofenceRegistry.Get(grains).GetAsync(id) is { } geofence ? (GeofenceView.From(geofence), null)
        : (null, null);

    /// <summary>A page of geofences in id order, or the parameter (<c>limit</c>, <c>cursor</c>) that cannot be served and why.</summary>
    public async Task<(GeofencePage? Page, string? Parameter, string? Problem)> ListAsync(int? limit, string? cursor)
    {
        if (limit is < 1 or > GeofenceEndpoints.MaxListLimit)
        {
            return (null, "limit", $"limit is a whole number from 1 to {GeofenceEndpoints.MaxListLimit}.");
        }

        if (cursor is not null && !GeofenceRequests.IsValidId(cursor))
        {
            return (null, "cursor", "cursor is the nextCursor of the previous page.");
        }

        var take = limit ?? 100;
        var geofences = await GeofenceRegistry.Get(grains).ListAsync(cursor, take + 1);
        var page = geofences.Take(take).Select(GeofenceView.From).ToList();
        return (new GeofencePage(page, geofences.Count > take ? page[^1].Id : null), null, null);
    }

    /// <summary>Why a geofence in use is not deleted.</summary>
    public static string InUse(string id, IEnumerable<string> rules) => $"Rules {string.Join(", ", rules)} ask inside({id}): change or delete them first.";
}
