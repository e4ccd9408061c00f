namespace FleetTwins.Grains.Delivery;

/// <summary>
/// The ids of the last deliveries a twin applied, persisted with its state, so that a redelivered message is
/// recognised and applied once. Bounded: the oldest ids are forgotten first.
/// </summary>
[GenerateSerializer]
public sealed class DeliveryLog
{
    /// <summary>How many delivery ids a twin remembers.</summary>
    public const int Capacity = 256;

    [Id(0)] public List<string> Recent { get; set; } = [];

    [NonSerialized]
    private HashSet<string>? index;

    public bool Contains(string deliveryId) => (index ??= new HashSet<string>(Recent, StringComparer.Ordinal)).Contains(deliveryId);

    public void Add(string deliveryId)
    {
        if (Contains(deliveryId))
        {
            return;
        }

        Recent.Add(deliveryId);
        index!.Add(deliveryId);
        if (Recent.Count > Capacity)
        {
            index.Remove(Recent[0]);
            Recent.RemoveAt(0);
        }
    }
}
