namespace FleetTwins.Abstractions.Commands;

/// <summary>
/// A dispatch that trying again will not mend, such as a receiver whose answer cannot be read: the outbox tries it a
/// few times, then fails the command with this message as the reason instead of sending it until it times out.
/// </summary>
public sealed class PermanentDispatchException(string message) : Exception(message);
