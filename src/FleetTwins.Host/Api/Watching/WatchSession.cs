using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace FleetTwins.Host.Api.Watching;

/// <summary>One event of a live watch: its name (<c>twin</c>, <c>notification</c>, <c>vehicle</c>, <c>left</c>,
/// <c>dropped</c>, <c>keep-alive</c>), its data, and the id a reconnecting watcher resumes after (SSE <c>Last-Event-ID</c>).</summary>
public readonly record struct WatchEvent(string Name, object? Data, string? Id = null)
{
    public const string KeepAlive = "keep-alive";
    public const string Dropped = "dropped";
}

/// <summary>
/// The buffer between a watched grain's one-way calls and one client connection. Bounded: when the client reads
/// too slowly the oldest events go and a <c>dropped</c> event says how many, so a slow watcher never slows a twin.
/// </summary>
public sealed class WatchSession
{
    /// <summary>Events a watcher may fall behind by before the oldest are dropped.</summary>
    public const int BufferSize = 256;

    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    private readonly Channel<WatchEvent> events;
    private int dropped;

    public WatchSession()
    {
        events = Channel.CreateBounded<WatchEvent>(
            new BoundedChannelOptions(BufferSize) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref dropped));
    }

    /// <summary>The data of a <c>dropped</c> event: how many events were lost.</summary>
    public sealed record DroppedCount(int Dropped);

    public void Post(string name, object data, string? id = null) => events.Writer.TryWrite(new WatchEvent(name, data, id));

    /// <summary>Counts events lost before they reached this session; the next <c>dropped</c> event includes them.</summary>
    public void Lost(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref dropped, count);
        }
    }

    /// <summary>
    /// The events as they come, a <c>dropped</c> marker before the first event after a loss, a <c>keep-alive</c>
    /// after <see cref="KeepAliveInterval"/> of silence; calls <paramref name="renew"/> every <see cref="Renewal"/>.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> ReadAllAsync(Func<Task> renew, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var renewAt = DateTime.UtcNow + Renewal;
        while (!cancellationToken.IsCancellationRequested)
        {
            WatchEvent next;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                wait.CancelAfter(KeepAliveInterval);
                try
                {
                    next = await events.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    next = new WatchEvent(WatchEvent.KeepAlive, null);
                }
            }

            if (next.Name != WatchEvent.KeepAlive && Interlocked.Exchange(ref dropped, 0) is > 0 and var lost)
            {
                yield return new WatchEvent(WatchEvent.Dropped, new DroppedCount(lost));
            }

            yield return next;
            if (DateTime.UtcNow >= renewAt)
            {
                await renew();
                renewAt = DateTime.UtcNow + Renewal;
            }
        }
    }
}
