using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Geofences;
using FleetTwins.Grains.Delivery;

namespace FleetTwins.Grains.Geofences;

/// <summary>The persisted state of the geofence registry: every geofence by id, and the registry's version.</summary>
[GenerateSerializer, Alias("ft.grains.GeofenceRegistryState")]
public sealed class GeofenceRegistryState
{
    [Id(0)] public Dictionary<string, Geofence> Geofences { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public long Version { get; set; }
}

/// <summary>The fleet's geofences; written whole on each change (they change rarely), answering after the write.</summary>
[GrainType("geofences")]
public sealed class GeofenceRegistryGrain(
    [PersistentState("geofences", StorageNames.Twins)] IPersistentState<GeofenceRegistryState> registry,
    TimeProvider clock) : Grain, IGeofenceRegistryGrain
{
    private GeofenceRegistryState State => registry.State;

    public async Task<GeofencePutResult> PutAsync(Geofence geofence, bool createOnly)
    {
        var existing = State.Geofences.GetValueOrDefault(geofence.Id);
        if (existing is not null && createOnly)
        {
            return new GeofencePutResult(GeofencePutStatus.Exists, existing);
        }

        var now = clock.GetUtcNow();
        var stored = geofence with
        {
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
            Version = (existing?.Version ?? 0) + 1,
        };
        State.Geofences[stored.Id] = stored;
        State.Version++;
        await registry.WriteStateOrDeactivateAsync(this);
        return new GeofencePutResult(existing is null ? GeofencePutStatus.Created : GeofencePutStatus.Replaced, stored);
    }

    public async Task<bool> DeleteAsync(string id)
    {
        if (!State.Geofences.Remove(id))
        {
            return false;
        }

        State.Version++;
        await registry.WriteStateOrDeactivateAsync(this);
        return true;
    }

    public Task<Geofence?> GetAsync(string id) => Task.FromResult(State.Geofences.GetValueOrDefault(id));

    public Task<IReadOnlyList<Geofence>> ListAsync(string? after, int limit) => Task.FromResult<IReadOnlyList<Geofence>>(
        [.. State.Geofences.Values
            .Where(g => after is null || string.CompareOrdinal(g.Id, after) > 0)
            .OrderBy(g => g.Id, StringComparer.Ordinal)
            .Take(limit)]);

    public Task<GeofenceSet> GetAllAsync() => Task.FromResult(new GeofenceSet(State.Version, [.. State.Geofences.Values]));

    public Task<long> GetVersionAsync() => Task.FromResult(State.Version);
}
