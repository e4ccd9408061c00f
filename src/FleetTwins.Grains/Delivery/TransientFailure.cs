using System.Data.Common;
using System.Net.Sockets;
using Orleans.Storage;

namespace FleetTwins.Grains.Delivery;

/// <summary>Failures that say "not now" rather than "never": storage down, silo gone, timeouts. Callers should retry.</summary>
public static class TransientFailure
{
    public static bool Is(Exception exception) => exception switch
    {
        DbException or TimeoutException or SocketException or SiloUnavailableException
            or OrleansMessageRejectionException or InconsistentStateException or Identity.IdentityUnsettledException
            or Abstractions.Persistence.JournalConflictException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(Is),
        _ => exception.InnerException is { } inner && Is(inner),
    };
}
