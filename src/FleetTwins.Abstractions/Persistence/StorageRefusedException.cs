namespace FleetTwins.Abstractions.Persistence;

/// <summary>
/// Storage refuses writes and retrying will not heal it: the data file read-only, damaged, or written by a newer
/// build. An operator must act. Answered as a failure that says so (HTTP 507), never as "retry later"; AMQP messages
/// are handed back to the broker, never parked as poison.
/// </summary>
public class StorageRefusedException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The refusal <paramref name="exception"/> is or was caused by, or null.</summary>
    public static StorageRefusedException? In(Exception exception) => exception switch
    {
        StorageRefusedException refused => refused,
        AggregateException aggregate => aggregate.InnerExceptions.Select(In).FirstOrDefault(r => r is not null),
        _ => exception.InnerException is { } inner ? In(inner) : null,
    };
}
