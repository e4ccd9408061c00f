using System.Net;
using FleetTwins.Abstractions.Events;
using FleetTwins.Ingestion.Options;
using Microsoft.Extensions.Options;

namespace FleetTwins.Ingestion.Webhooks;

/// <summary>
/// <c>Ingestion:{Provider}:AllowedSources</c>: with an allow-list configured, a delivery from any other client address
/// is refused (403) before its body is read. Entries were checked when the host started.
/// </summary>
public sealed class SourceAllowList(IOptions<IngestionOptions> options)
{
    private readonly Dictionary<string, List<IPNetwork>> allowed = new(StringComparer.Ordinal)
    {
        [Sources.Telematica] = Ranges(options.Value.Telematica),
        [Sources.Volteras] = Ranges(options.Value.Volteras),
        [Sources.Tracker] = Ranges(options.Value.Tracker),
    };

    /// <summary>Whether <paramref name="provider"/> may deliver from <paramref name="address"/>.</summary>
    public bool Allows(string provider, IPAddress? address) =>
        !allowed.TryGetValue(provider, out var ranges) || ranges.Count == 0 || AddressRange.Contains(ranges, address);

    private static List<IPNetwork> Ranges(IPushEndpointOptions endpoint)
    {
        var ranges = new List<IPNetwork>();
        foreach (var entry in endpoint.AllowedSources)
        {
            if (AddressRange.TryParse(entry, out var range))
            {
                ranges.Add(range);
            }
        }

        return ranges;
    }
}
