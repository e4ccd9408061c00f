namespace FleetTwins.Abstractions.Geofences;

/// <summary>
/// The fleet's geofences, in one grain (key <see cref="GeofenceRegistry.Key"/>): every change bumps its version,
/// which each silo's catalog polls to know when to reload.
/// </summary>
[Alias("ft.IGeofenceRegistryGrain")]
public interface IGeofenceRegistryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores <paramref name="geofence"/> (its times and version are the registry's to set); with
    /// <paramref name="createOnly"/>, an existing geofence of that id is left as it is (<see cref="GeofencePutStatus.Exists"/>).
    /// </summary>
    [Alias("Put")]
    Task<GeofencePutResult> PutAsync(Geofence geofence, bool createOnly);

    /// <summary>Removes the geofence; false when there was none of that id.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync(string id);

    [Alias("Get")]
    Task<Geofence?> GetAsync(string id);

    /// <summary>Up to <paramref name="limit"/> geofences in id order, after the id <paramref name="after"/> (null: from the first).</summary>
    [Alias("List")]
    Task<IReadOnlyList<Geofence>> ListAsync(string? after, int limit);

    /// <summary>Every geofence and the version they are at (what a silo's catalog loads).</summary>
    [Alias("GetAll")]
    Task<GeofenceSet> GetAllAsync();

    /// <summary>The registry's version: it changes with every put and delete.</summary>
    [Alias("GetVersion")]
    Task<long> GetVersionAsync();
}

/// <summary>Where the registry lives.</summary>
public static class GeofenceRegistry
{
    /// <summary>The one registry grain's key: the fleet's geofences are one set.</summary>
    public const string Key = "fleet";

    public static IGeofenceRegistryGrain Get(IGrainFactory grains) => grains.GetGrain<IGeofenceRegistryGrain>(Key);
}

/// <summary>What a put did.</summary>
public enum GeofencePutStatus
{
    Created,
    Replaced,

    /// <summary>A create-only put found the id taken: nothing changed.</summary>
    Exists,
}

/// <summary>A put's outcome and the geofence as stored (the existing one when <see cref="GeofencePutStatus.Exists"/>).</summary>
[GenerateSerializer, Immutable, Alias("ft.GeofencePutResult")]
public sealed record GeofencePutResult(
    [property: Id(0)] GeofencePutStatus Status,
    [property: Id(1)] Geofence Geofence);

/// <summary>Every geofence of the registry at one version.</summary>
[GenerateSerializer, Immutable, Alias("ft.GeofenceSet")]
public sealed record GeofenceSet(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<Geofence> Geofences);
