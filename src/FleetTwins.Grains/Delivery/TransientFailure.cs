using System.Data.Common;
using System.Net.Sockets;
using FleetTwins.Abstractions.Persistence;
using Orleans.Storage;

namespace FleetTwins.Grains.Delivery;

/// <summary>
/// Failures that say "not now" rather than "never": storage down, silo gone, timeouts. Callers should retry. Storage
/// that refuses until an operator acts is never one, though the database error it wraps would be.
/// </summary>
public static class TransientFailure
{
    public static bool Is(Exception exception) => StorageRefusedException.In(exception) is null && Passes(exception);

    private static bool Passes(Exception exception) => exception switch
    {
        DbException or TimeoutException or SocketException or SiloUnavailableException
            or OrleansMessageRejectionException or InconsistentStateException or Identity.IdentityUnsettledException
            or JournalConflictException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(Passes),
        _ => exception.InnerException is { } inner && Passes(inner),
    };
}
