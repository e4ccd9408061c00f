using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Events;
using FleetTwins.Ingestion.Routing;

namespace FleetTwins.Ingestion.Parsing;

/// <summary>
/// The receiving host's clock when a payload arrived, and how far ahead of it a provider's timestamp may be (clock
/// skew, <c>Ingestion:MaxFutureSkew</c>, 5 minutes by default). A reading dated later is refused: kept, it would stay
/// "newest" until that date and every real reading after it would be ignored as older.
/// </summary>
public readonly record struct FutureLimit(DateTimeOffset Now, TimeSpan MaxSkew)
{
    public const string DefaultSkewText = "00:05:00";

    public static readonly TimeSpan DefaultSkew = TimeSpan.FromMinutes(5);

    /// <summary>The latest timestamp accepted.</summary>
    public DateTimeOffset Latest => Now + MaxSkew;

    /// <summary>An accepted outcome with any event dated after <see cref="Latest"/> becomes invalid, saying which date; others pass.</summary>
    public ParseOutcome Check(ParseOutcome outcome)
    {
        if (outcome is not ParseOutcome.Accepted accepted)
        {
            return outcome;
        }

        foreach (var at in accepted.Deliveries.SelectMany(Times))
        {
            if (at > Latest)
            {
                return new ParseOutcome.Invalid(
                    $"a timestamp ({at:O}) is more than {MaxSkew} ahead of this host's clock ({Now:O}); check the sender's clock.");
            }
        }

        return outcome;
    }

    /// <summary>Every timestamp the canonical events carry: when each fact held, and the times of a journey or trip.</summary>
    private static IEnumerable<DateTimeOffset> Times(Routed routed)
    {
        IEnumerable<TwinEvent> events = routed switch
        {
            ForVehicle v => v.Events,
            ForCharger c => c.Events,
            ForAlert a => [a.Update],
            ForAccount a => [a.Event],
            ForRateLimit r => [r.Update],
            _ => [],
        };
        foreach (var e in events)
        {
            yield return e.At;
            switch (e)
            {
                case JourneyRecorded journey:
                    yield return journey.StartedAt;
                    yield return journey.EndedAt;
                    break;
                case TripEnded { StartedAt: { } started }:
                    yield return started;
                    break;
                case AlertUpdated { CreatedAt: { } created }:
                    yield return created;
                    break;
            }
        }
    }
}
