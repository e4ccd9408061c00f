using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api.Watching;

/// <summary>
/// The host's open watches, SSE and gRPC streams alike: counted per caller (<c>Watches:MaxPerKey</c>) and in total
/// (<c>Watches:MaxTotal</c>), so that one read key cannot hold a connection and a file descriptor per watch without
/// bound; and ended together, each telling its client why, as soon as the host starts stopping.
/// </summary>
public sealed class OpenWatches(IOptions<WatchOptions> options, IHostApplicationLifetime lifetime)
{
    /// <summary>What a watch ended by the host stopping tells its client.</summary>
    public const string StoppingReason = "the host is stopping; reconnect to resume the watch";

    /// <summary>How long a client should wait before it reconnects after the host ended its watch.</summary>
    public static readonly TimeSpan ReconnectAfter = TimeSpan.FromSeconds(1);

    private readonly WatchOptions limits = options.Value;
    private readonly Lock gate = new();
    private readonly Dictionary<string, int> perCaller = new(StringComparer.Ordinal);
    private int total;

    /// <summary>Cancelled when the host starts stopping: every watch ends then, before the server drains its requests.</summary>
    public CancellationToken Stopping => lifetime.ApplicationStopping;

    /// <summary>
    /// A place for one more watch of the request's caller (its API key; its address without one), held until the
    /// place is disposed; <c>null</c> and the cap that refused it when the caller or the host is at its cap.
    /// </summary>
    public Place? TryOpen(HttpContext context, out string? refusal)
    {
        var caller = context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : "address:" + context.Connection.RemoteIpAddress;
        lock (gate)
        {
            var held = perCaller.GetValueOrDefault(caller);
            if (held >= limits.MaxPerKey)
            {
                refusal = $"this key holds {held} open watches, the most one key may (Watches:MaxPerKey {limits.MaxPerKey}): close one before opening another";
                return null;
            }

            if (total >= limits.MaxTotal)
            {
                refusal = $"the host holds {total} open watches, the most it serves (Watches:MaxTotal {limits.MaxTotal}): retry later";
                return null;
            }

            perCaller[caller] = held + 1;
            total++;
        }

        refusal = null;
        return new Place(this, caller);
    }

    private void Close(string caller)
    {
        lock (gate)
        {
            total--;
            if (perCaller[caller] is var held && held > 1)
            {
                perCaller[caller] = held - 1;
            }
            else
            {
                perCaller.Remove(caller);
            }
        }
    }

    /// <summary>One open watch's place; disposing it (once or more) gives the place back.</summary>
    public sealed class Place(OpenWatches watches, string caller) : IDisposable
    {
        private int closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0)
            {
                watches.Close(caller);
            }
        }
    }
}
