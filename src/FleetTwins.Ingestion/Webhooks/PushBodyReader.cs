using System.Buffers;
using System.Globalization;
using System.Net;
using FleetTwins.Ingestion.Options;
using Microsoft.Extensions.Options;

namespace FleetTwins.Ingestion.Webhooks;

/// <summary>A webhook body in pooled memory, and the in-flight budget it holds: dispose once the body is parsed.</summary>
public sealed class PushBody : IDisposable
{
    private readonly PushBodyReader? reader;
    private readonly string provider;
    private readonly IPAddress? source;
    private byte[]? buffer;

    internal PushBody(PushBodyReader reader, string provider, IPAddress? source, byte[] buffer, int length)
    {
        this.reader = reader;
        this.provider = provider;
        this.source = source;
        this.buffer = buffer;
        Memory = buffer.AsMemory(0, length);
    }

    private PushBody(PushOutcome refusal)
    {
        provider = "";
        Refusal = refusal;
    }

    public ReadOnlyMemory<byte> Memory { get; private set; }

    /// <summary>Why the body was not read (too large, too slow, or too many bytes in flight), or null.</summary>
    public PushOutcome? Refusal { get; }

    internal static PushBody Refused(PushOutcome refusal) => new(refusal);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref buffer, null) is { } returned)
        {
            Memory = default;
            reader!.Return(provider, source, returned);
        }
    }
}

/// <summary>
/// Reads webhook bodies into pooled buffers that grow as bytes arrive (never allocated at the announced
/// <c>Content-Length</c>, which costs a sender nothing to claim: 2,000 slow sockets announcing 1 MiB each once took a
/// silo from 314 MiB to 3.3 GB), within <c>Ingestion:BodyTimeout</c> (408 beyond: a drip is cut off). Nobody is verified while their body is read, so a body's first <c>Ingestion:PerDeliveryBodyBytes</c>
/// are its own and only buffers beyond them are charged to the shared <see cref="InFlightBudget"/> (503 with
/// <c>Retry-After</c> beyond it): 200 slow unsigned bodies once held a provider's whole budget while every signed
/// delivery was refused.
/// </summary>
public sealed class PushBodyReader(IOptions<IngestionOptions> options, TimeProvider clock)
{
    private const int FirstBuffer = 4096;

    private readonly IngestionOptions limits = options.Value;
    private readonly InFlightBudget shared = new(options.Value);

    /// <summary>The shared pool: per-core caches, no lock on the path of a delivery (measured: docs/PERFORMANCE.md).</summary>
    private readonly ArrayPool<byte> pool = ArrayPool<byte>.Shared;

    public async Task<PushBody> ReadAsync(string provider, PushDelivery delivery, CancellationToken cancellationToken)
    {
        var limit = limits.MaxBodyBytes;
        if (delivery.ContentLength > limit)
        {
            return PushBody.Refused(TooLarge());
        }

        var source = delivery.RemoteAddress;
        using var deadline = new CancellationTokenSource(limits.BodyTimeout, clock);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var buffer = pool.Rent((int)Math.Min(delivery.ContentLength is > 0 and var announced ? announced : FirstBuffer, FirstBuffer));
        if (Busy(provider, source, Charged(buffer)) is { } busy)
        {
            pool.Return(buffer);
            return PushBody.Refused(busy);
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
                        if (await delivery.Body.ReadAsync(probe, reading.Token) > 0)
                        {
                            Return(provider, source, buffer);
                            return PushBody.Refused(TooLarge());
                        }

                        break;
                    }

                    var grown = pool.Rent((int)Math.Min((long)buffer.Length * 2, limit));
                    // Counted as the growth alone: for the copy both are held, and a body of the limit must fit a budget of it.
                    if (Busy(provider, source, Charged(grown) - Charged(buffer)) is { } full)
                    {
                        pool.Return(grown);
                        Return(provider, source, buffer);
                        return PushBody.Refused(full);
                    }

                    buffer.AsSpan(0, filled).CopyTo(grown);
                    pool.Return(buffer);
                    buffer = grown;
                    continue;
                }

                var read = await delivery.Body.ReadAsync(buffer.AsMemory(filled, capacity - filled), reading.Token);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Return(provider, source, buffer);
            return PushBody.Refused(new PushOutcome.TimedOut(
                $"body not received within {limits.BodyTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (Ingestion:BodyTimeout): {filled} bytes arrived"));
        }
        catch
        {
            Return(provider, source, buffer);
            throw;
        }

        return new PushBody(this, provider, source, buffer, filled);

        PushOutcome TooLarge() => new PushOutcome.TooLarge($"body larger than {limit} bytes");
    }

    internal void Return(string provider, IPAddress? source, byte[] buffer)
    {
        pool.Return(buffer);
        shared.Give(provider, source, Charged(buffer));
    }

    /// <summary>Counts <paramref name="bytes"/> more as held by the delivery, unless that would exceed a shared budget.</summary>
    private PushOutcome? Busy(string provider, IPAddress? source, long bytes) =>
        bytes > 0 && shared.Take(provider, source, bytes) is { } exceeded ? new PushOutcome.Busy(exceeded) : null;

    /// <summary>What a buffer costs the shared budgets: the part beyond the delivery's own allowance.</summary>
    private long Charged(byte[] buffer) => Math.Max(0, buffer.Length - limits.PerDeliveryBodyBytes);
}
