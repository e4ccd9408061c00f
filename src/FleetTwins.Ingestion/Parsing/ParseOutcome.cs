using FleetTwins.Ingestion.Routing;

namespace FleetTwins.Ingestion.Parsing;

/// <summary>What a provider parser made of one payload.</summary>
public abstract record ParseOutcome
{
    /// <summary>A known event type: the canonical events it carries, grouped by the twin each is about.</summary>
    public sealed record Accepted(string EventType, IReadOnlyList<Routed> Deliveries) : ParseOutcome;

    /// <summary>A well-formed payload of a type this service does not know: accepted and counted, never an error.</summary>
    public sealed record UnknownType(string EventType) : ParseOutcome;

    /// <summary>Malformed or invalid: the reason names the field and what was wrong with it.</summary>
    public sealed record Invalid(string Reason) : ParseOutcome;
}

/// <summary>Thrown inside a parser when a field is missing or wrong; the parser turns it into <see cref="ParseOutcome.Invalid"/>.</summary>
public sealed class PayloadException(string message) : Exception(message);
