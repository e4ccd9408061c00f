using FleetTwins.Abstractions.Geofences;
using FleetTwins.Grains.Registries;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Grains.Geofences;

/// <summary>
/// The silo's copy of the fleet's geofences (a singleton): <see cref="RegistryCopy{T}.Current"/> is the spatial index
/// twins decide with, never a grain call; <see cref="GeofenceIndex.Empty"/> (version -1) until the first load.
/// </summary>
public sealed class GeofenceCatalog(IGrainFactory grains, ILogger<GeofenceCatalog> logger) : RegistryCopy<GeofenceIndex>(GeofenceIndex.Empty, logger)
{
    protected override string What => "geofences";

    protected override long VersionOf(GeofenceIndex copy) => copy.Version;

    protected override Task<long> ReadVersionAsync() => GeofenceRegistry.Get(grains).GetVersionAsync();

    protected override async Task<GeofenceIndex> LoadAsync(GeofenceIndex previous)
    {
        var set = await GeofenceRegistry.Get(grains).GetAllAsync();
        logger.LogInformation("Geofence catalog loaded {Count} geofences at registry version {Version}", set.Geofences.Count, set.Version);
        return GeofenceIndex.Build(set, previous);
    }
}
