using FleetTwins.Tests.Infrastructure;
using Npgsql;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>Holding back a cluster's state writes for certain, rather than by timing.</summary>
public static class StateTableLock
{
    /// <summary>
    /// Another session's exclusive lock on the twins' state tables (snapshots and journal), held until disposed: every
    /// state read and write waits.
    /// </summary>
    public static async Task<IAsyncDisposable> LockStateTablesAsync(this PostgresDatabase database)
    {
        var connection = await database.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("LOCK TABLE fleettwins_grain_state, fleettwins_journal IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new Held(connection, transaction);
    }

    private sealed class Held(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // The lock ends with the session whether or not the commit gets through (the server may be gone).
            try
            {
                await transaction.CommitAsync();
            }
            finally
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
            }
        }
    }
}
