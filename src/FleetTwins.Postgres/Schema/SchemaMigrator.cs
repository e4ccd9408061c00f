using Microsoft.Extensions.Logging;
using Npgsql;

namespace FleetTwins.Postgres.Schema;

/// <summary>
/// Applies the scripts of <c>deploy/sql</c> that a database has not seen yet, recording each in the journal
/// table <c>fleettwins_schema_migrations</c>. Safe to run again and from several silos at once.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    /// <summary>Serialises migrators across processes; an arbitrary constant private to FleetTwins.</summary>
    private const long AdvisoryLockKey = 0x466C_6565_7454_7769;

    private const string JournalDdl = """
        CREATE TABLE IF NOT EXISTS fleettwins_schema_migrations
        (
            version    integer     NOT NULL PRIMARY KEY,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    /// <summary>Applies every pending script in one transaction; answers how many were applied.</summary>
    public async Task<int> MigrateAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
        await ExecuteAsync(connection, transaction, JournalDdl, cancellationToken);

        var applied = await ReadJournalAsync(connection, transaction, cancellationToken);
        var pending = new List<Migration>();
        foreach (var migration in migrations)
        {
            if (!applied.TryGetValue(migration.Version, out var checksum))
            {
                pending.Add(migration);
            }
            else if (checksum != migration.Checksum)
            {
                throw new InvalidOperationException(
                    $"Schema script {migration.Version:000}_{migration.Name} changed after it was applied; add a new script instead.");
            }
        }

        foreach (var migration in pending)
        {
            logger.LogInformation("Applying schema script {Version:000}_{Name}", migration.Version, migration.Name);
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand(
                "INSERT INTO fleettwins_schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)",
                connection, transaction);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("name", migration.Name);
            record.Parameters.AddWithValue("checksum", migration.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Schema is current: {Applied} script(s) applied now, {Total} in all", pending.Count, migrations.Count);
        return pending.Count;
    }

    private static async Task<Dictionary<int, string>> ReadJournalAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM fleettwins_schema_migrations", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
