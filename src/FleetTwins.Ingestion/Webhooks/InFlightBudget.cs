using System.Net;
using System.Net.Sockets;
using FleetTwins.Ingestion.Options;

namespace FleetTwins.Ingestion.Webhooks;

/// <summary>
/// The webhook body bytes every delivery shares once past its own allowance (<c>Ingestion:PerDeliveryBodyBytes</c>):
/// in all (<c>Ingestion:MaxInFlightBytes</c>), per provider (<c>Ingestion:MaxInFlightBytesPerProvider</c>) and per
/// client address (<c>Ingestion:MaxInFlightBytesPerSource</c>). One lock: only bodies over the allowance come here.
/// </summary>
internal sealed class InFlightBudget(IngestionOptions limits)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, long> byProvider = new(StringComparer.Ordinal);

    /// <summary>Only the sources holding bytes: an entry goes at zero, so many addresses leave nothing behind.</summary>
    private readonly Dictionary<IPAddress, long> bySource = [];
    private long total;

    /// <summary>Counts <paramref name="bytes"/> more as held, or answers the budget they would exceed (nothing counted).</summary>
    public string? Take(string provider, IPAddress? address, long bytes)
    {
        var source = Source(address);
        lock (gate)
        {
            var ofSource = bySource.GetValueOrDefault(source) + bytes;
            if (ofSource > limits.MaxInFlightBytesPerSource)
            {
                return "too many webhook bytes in flight from this address; retry later";
            }

            var ofProvider = byProvider.GetValueOrDefault(provider) + bytes;
            if (ofProvider > limits.MaxInFlightBytesPerProvider || total + bytes > limits.MaxInFlightBytes)
            {
                return "too many webhook bytes in flight; retry later";
            }

            total += bytes;
            byProvider[provider] = ofProvider;
            bySource[source] = ofSource;
            return null;
        }
    }

    public void Give(string provider, IPAddress? address, long bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        var source = Source(address);
        lock (gate)
        {
            total -= bytes;
            byProvider[provider] -= bytes;
            if ((bySource[source] -= bytes) == 0)
            {
                bySource.Remove(source);
            }
        }
    }

    /// <summary>The address a budget is kept for: IPv4 as itself, IPv6 by its /64 (one host's usual allocation), none as one.</summary>
    private static IPAddress Source(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> network = stackalloc byte[16];
        address.TryWriteBytes(network, out _);
        network[8..].Clear();
        return new IPAddress(network);
    }
}
