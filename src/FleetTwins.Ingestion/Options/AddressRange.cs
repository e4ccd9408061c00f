using System.Net;

namespace FleetTwins.Ingestion.Options;

/// <summary>An address or CIDR range as settings write it (<c>203.0.113.7</c>, <c>10.0.0.0/8</c>, <c>::1</c>), and membership in such ranges.</summary>
public static class AddressRange
{
    /// <summary>A CIDR range, or a single address as a range of one.</summary>
    public static bool TryParse(string value, out IPNetwork range)
    {
        if (IPNetwork.TryParse(value, out range))
        {
            return true;
        }

        if (IPAddress.TryParse(value, out var address))
        {
            range = new IPNetwork(address, address.GetAddressBytes().Length * 8);
            return true;
        }

        return false;
    }

    /// <summary>Whether the address (an IPv4 address seen as IPv6-mapped included) is in one of the ranges.</summary>
    public static bool Contains(IReadOnlyList<IPNetwork> ranges, IPAddress? address) =>
        address is not null && ranges.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));
}
