using System.Collections;

namespace FleetTwins.Simulator;

/// <summary>
/// The endless stream of deliveries of a fleet as providers really send them: now and then the same delivery again
/// (a provider's retry), a delivery held back behind a newer one of the same vehicle (reordering), and bursts of
/// several deliveries of one vehicle at once.
/// </summary>
public sealed class Deliveries(Options options) : IEnumerable<Delivery>
{
    public IEnumerator<Delivery> GetEnumerator()
    {
        var fleet = new Fleet(options.Vehicles, options.Seed, options.Start ?? DateTimeOffset.UtcNow.AddHours(-1));
        var random = new Random(options.Seed);
        var again = new Queue<Delivery>();
        Delivery? heldBack = null;
        var step = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            var burst = random.NextDouble() < options.Bursts ? 10 : 1;
            for (var i = 0; i < burst; i++)
            {
                var next = fleet.Next(options.Providers, step);
                if (random.NextDouble() < options.Duplicates)
                {
                    again.Enqueue(next);
                }

                if (heldBack is null && random.NextDouble() < options.Reorder)
                {
                    heldBack = next; // sent after the next one: older readings arrive late
                    continue;
                }

                yield return next;
                if (heldBack is not null)
                {
                    yield return heldBack;
                    heldBack = null;
                }
            }

            if (again.Count > 16)
            {
                yield return again.Dequeue();
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
