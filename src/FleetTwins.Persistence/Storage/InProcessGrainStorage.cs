using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Serialization;
using Orleans.Storage;

namespace FleetTwins.Persistence.Storage;

/// <summary>
/// The embedded profile's grain storage: each state kept as a deep copy in a dictionary of this process, with the
/// same optimistic concurrency as durable storage (a write must name the version it read). Orleans' memory storage
/// routes every read and write through a storage grain; here a write is a copy and a dictionary update. Gone with
/// the process, as everything in the embedded profile is.
/// </summary>
public sealed class InProcessGrainStorage(DeepCopier copier) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string StateName, GrainId GrainId), Entry> states = new();

    private sealed record Entry(object State, long Version)
    {
        public string ETag => Version.ToString(CultureInfo.InvariantCulture);
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (states.TryGetValue((stateName, grainId), out var entry))
        {
            grainState.State = copier.Copy((T)entry.State);
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var copy = copier.Copy(grainState.State)!;
        var stored = states.TryGetValue(key, out var current)
            ? Matches(current, grainState.ETag, stateName, grainId) && states.TryUpdate(key, new Entry(copy, current.Version + 1), current)
            : Matches(null, grainState.ETag, stateName, grainId) && states.TryAdd(key, new Entry(copy, 1));
        if (!stored)
        {
            throw new InconsistentStateException($"{stateName} of {grainId} was written concurrently", grainState.ETag, states.GetValueOrDefault(key)?.ETag);
        }

        grainState.ETag = states[key].ETag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        if (states.TryGetValue(key, out var current))
        {
            Matches(current, grainState.ETag, stateName, grainId);
            states.TryRemove(KeyValuePair.Create(key, current));
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    /// <summary>True when the caller's version is the stored one; an <see cref="InconsistentStateException"/> otherwise.</summary>
    private static bool Matches(Entry? current, string? etag, string stateName, GrainId grainId) =>
        current?.ETag == etag
            ? true
            : throw new InconsistentStateException($"{stateName} of {grainId} changed since it was read", current?.ETag, etag);
}
