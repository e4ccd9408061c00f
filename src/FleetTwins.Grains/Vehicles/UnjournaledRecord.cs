using FleetTwins.Abstractions.Persistence;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// A journal record carried by the snapshot written just before it (a twin's first record, or a change that moved
/// identities): should the journal's write fail after the snapshot's (a full disk), the next activation journals it
/// from here, so that the twin never holds a change its journal cannot explain.
/// </summary>
[GenerateSerializer, Alias("ft.grains.UnjournaledRecord")]
public sealed record UnjournaledRecord(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string? DeliveryId,
    [property: Id(3)] byte[] Record)
{
    public JournalEntry ToEntry(string twinId) => new(twinId, Sequence, At, DeliveryId, Record);
}
