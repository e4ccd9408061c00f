using System.Collections.Concurrent;

namespace FleetTwins.Grains.Tests;

/// <summary>Outbound calls for a twin that do not answer until released: a receiver that hangs.</summary>
public sealed class Holds
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> reached = new(StringComparer.Ordinal);

    /// <summary>Whether a call for <paramref name="twinId"/> came while it was held.</summary>
    public bool Reached(string twinId) => reached.ContainsKey(twinId);

    /// <summary>From now on, calls for <paramref name="twinId"/> wait until <see cref="Release"/>.</summary>
    public void Hold(string twinId) => held.TryAdd(twinId, new(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Answers the waiting calls for <paramref name="twinId"/>, and the ones after them at once.</summary>
    public void Release(string twinId)
    {
        if (held.TryRemove(twinId, out var gate))
        {
            gate.TrySetResult();
        }
    }

    /// <summary>Waits while <paramref name="twinId"/> is held.</summary>
    public Task PassAsync(string twinId, CancellationToken cancellationToken)
    {
        if (!held.TryGetValue(twinId, out var gate))
        {
            return Task.CompletedTask;
        }

        reached[twinId] = true;
        return gate.Task.WaitAsync(cancellationToken);
    }
}
