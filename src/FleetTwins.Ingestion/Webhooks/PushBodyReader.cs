using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using FleetTwins.Ingestion.Options;
using Microsoft.Extensions.Options;

namespace FleetTwins.Ingestion.Webhooks;

/// <summary>A webhook body in pooled memory, and the in-flight budget it holds: dispose once the body is parsed.</summary>
public sealed class PushBody : IDisposable
{
    private readonly PushBodyReader? reader;
    private readonly string provider;
    private byte[]? buffer;

    internal PushBody(PushBodyReader reader, string provider, byte[] buffer, int length)
    {
        this.reader = reader;
        this.provider = provider;
        this.buffer = buffer;
        Memory = buffer.AsMemory(0, length);
    }

    private PushBody(PushOutcome refusal)
    {
        provider = "";
        Refusal = refusal;
    }

    public ReadOnlyMemory<byte> Memory { get; private set; }

    /// <summary>Why the body was not read (too large, or too many bytes in flight), or null.</summary>
    public PushOutcome? Refusal { get; }

    internal static PushBody Refused(PushOutcome refusal) => new(refusal);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref buffer, null) is { } returned)
        {
            Memory = default;
            reader!.Return(provider, returned);
        }
    }
}

/// <summary>
/// Reads webhook bodies into pooled buffers that grow as bytes arrive (never allocated at the announced
/// <c>Content-Length</c>, which costs a sender nothing to claim), within two budgets of bytes held at once: per
/// provider (<c>Ingestion:MaxInFlightBytesPerProvider</c>) and in all (<c>Ingestion:MaxInFlightBytes</c>). Beyond
/// either a delivery answers 503 with <c>Retry-After</c>: 2,000 slow sockets announcing 1 MiB each once took a silo
/// from 314 MiB to 3.3 GB.
/// </summary>
public sealed class PushBodyReader(IOptions<IngestionOptions> options)
{
    private const int FirstBuffer = 4096;

    private readonly IngestionOptions limits = options.Value;
    /// <summary>Bytes held per provider: a counter each, changed with Interlocked (every delivery passes here: no lock).</summary>
    private readonly ConcurrentDictionary<string, StrongBox<long>> byProvider = new(StringComparer.Ordinal);

    /// <summary>The shared pool: per-core caches, no lock on the path of a delivery (measured: docs/PERFORMANCE.md).</summary>
    private readonly ArrayPool<byte> pool = ArrayPool<byte>.Shared;
    private long inFlight;

    public async Task<PushBody> ReadAsync(string provider, PushDelivery delivery, CancellationToken cancellationToken)
    {
        var limit = limits.MaxBodyBytes;
        if (delivery.ContentLength > limit)
        {
            return PushBody.Refused(TooLarge());
        }

        var buffer = pool.Rent((int)Math.Min(delivery.ContentLength is > 0 and var announced ? announced : FirstBuffer, FirstBuffer));
        if (!Reserve(provider, buffer.Length))
        {
            pool.Return(buffer);
            return Busy();
        }

        var filled = 0;
        try
        {
            while (true)
            {
                var capacity = (int)Math.Min(buffer.Length, limit);
                if (filled == capacity)
                {
                    if (capacity == limit)
                    {
                        // Full at the limit: one more byte means too large.
                        var probe = new byte[1];
                        if (await delivery.Body.ReadAsync(probe, cancellationToken) > 0)
                        {
                            Return(provider, buffer);
                            return PushBody.Refused(TooLarge());
                        }

                        break;
                    }

                    var grown = pool.Rent((int)Math.Min((long)buffer.Length * 2, limit));
                    if (!Reserve(provider, grown.Length - buffer.Length))
                    {
                        pool.Return(grown);
                        Return(provider, buffer);
                        return Busy();
                    }

                    // Counted as the growth alone: for the copy both are held, and a body of the limit must fit a budget of it.
                    buffer.AsSpan(0, filled).CopyTo(grown);
                    pool.Return(buffer);
                    buffer = grown;
                    continue;
                }

                var read = await delivery.Body.ReadAsync(buffer.AsMemory(filled, capacity - filled), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }
        catch
        {
            Return(provider, buffer);
            throw;
        }

        return new PushBody(this, provider, buffer, filled);

        PushOutcome TooLarge() => new PushOutcome.TooLarge($"body larger than {limit} bytes");
    }

    internal void Return(string provider, byte[] buffer)
    {
        pool.Return(buffer);
        Release(provider, buffer.Length);
    }

    /// <summary>Counts <paramref name="bytes"/> more as held by the provider, unless that would exceed a budget.</summary>
    private bool Reserve(string provider, int bytes)
    {
        var total = Interlocked.Add(ref inFlight, bytes);
        var mine = Interlocked.Add(ref Held(provider).Value, bytes);
        if (total <= limits.MaxInFlightBytes && mine <= limits.MaxInFlightBytesPerProvider)
        {
            return true;
        }

        Release(provider, bytes);
        return false;
    }

    private void Release(string provider, int size)
    {
        Interlocked.Add(ref inFlight, -size);
        Interlocked.Add(ref Held(provider).Value, -size);
    }

    private StrongBox<long> Held(string provider) => byProvider.GetOrAdd(provider, static _ => new StrongBox<long>());

    private static PushBody Busy() =>
        PushBody.Refused(new PushOutcome.Busy("too many webhook bytes in flight; retry later"));
}
