using FleetTwins.Abstractions.Events;
using FleetTwins.Outbound.Options;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api;

/// <summary>
/// The providers a command may name: those FleetTwins reads twins from and those a dispatch webhook is configured for.
/// A command naming another is refused before it is recorded, so nothing is published under a provider no one serves.
/// </summary>
public sealed class CommandProviders(IOptions<CommandDispatchOptions> dispatch)
{
    private static readonly string[] Ingested = [Sources.Telematica, Sources.Volteras, Sources.Tracker, Sources.Invers];

    public bool IsKnown(string provider) =>
        Ingested.Contains(provider, StringComparer.Ordinal) || dispatch.Value.Webhooks.Any(w => w.Providers.Contains(provider, StringComparer.Ordinal));

    /// <summary>Why <paramref name="provider"/> is refused (the 404's detail, gRPC's NOT_FOUND message).</summary>
    public string Unknown(string provider) =>
        $"No provider '{provider}' is known to this host: name one of {string.Join(", ", Names())}, or leave provider out for the one serving the twin.";

    private IEnumerable<string> Names() => Ingested.Concat(dispatch.Value.Webhooks.SelectMany(w => w.Providers)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
}
