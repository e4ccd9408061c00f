using FleetTwins.Postgres.Schema;
using FleetTwins.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace FleetTwins.Postgres.Tests;

public sealed class SchemaMigrationTests
{
    /// <summary>Every query key the Orleans 10.4 ADO.NET providers we use read (clustering, reminders).</summary>
    private static readonly string[] OrleansQueryKeys =
    [
        "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private const string SchemaSignature = """
        SELECT string_agg(line, E'\n' ORDER BY line) FROM (
            SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, column_default) AS line
            FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid))
                      FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            UNION ALL SELECT format('query %s %s', querykey, md5(querytext)) FROM orleansquery
            UNION ALL SELECT format('journal %s %s %s', version, name, checksum) FROM fleettwins_schema_migrations
        ) AS schema
        """;

    private static SchemaMigrator Migrator(PostgresDatabase database) => new(database.DataSource, NullLogger<SchemaMigrator>.Instance);

    [Fact]
    public async Task Migration_run_twice_leaves_the_same_schema()
    {
        await using var database = await PostgresDatabase.CreateAsync();

        var first = await Migrator(database).MigrateAsync(Migration.Embedded);
        var afterFirst = await database.ScalarAsync<string>(SchemaSignature);
        var second = await Migrator(database).MigrateAsync(Migration.Embedded);
        var afterSecond = await database.ScalarAsync<string>(SchemaSignature);

        Assert.Equal(Migration.Embedded.Count, first);
        Assert.Equal(0, second);
        Assert.False(string.IsNullOrEmpty(afterFirst));
        Assert.Equal(afterFirst, afterSecond);
    }

    [Fact]
    public async Task Concurrent_migrators_apply_each_script_once()
    {
        await using var database = await PostgresDatabase.CreateAsync();

        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Migrator(database).MigrateAsync(Migration.Embedded)));

        Assert.Equal(Migration.Embedded.Count, applied.Sum());
        Assert.Equal(Migration.Embedded.Count, await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_schema_migrations"));
    }

    [Fact]
    public async Task Script_changed_after_it_was_applied_is_refused()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await Migrator(database).MigrateAsync(Migration.Embedded);
        var tampered = Migration.Embedded.Select(m => m.Version == 1 ? m with { Sql = m.Sql + "\n-- edited" } : m).ToList();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator(database).MigrateAsync(tampered));

        Assert.Contains("changed after it was applied", error.Message);
    }

    [Fact]
    public async Task Every_query_key_the_orleans_providers_read_is_present()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await Migrator(database).MigrateAsync(Migration.Embedded);

        var keys = (await database.ScalarAsync<string>("SELECT string_agg(querykey, ',') FROM orleansquery"))!.Split(',');

        Assert.Empty(OrleansQueryKeys.Except(keys));
    }

    [Fact]
    public void Embedded_scripts_are_numbered_without_gaps()
    {
        Assert.Equal(Enumerable.Range(1, Migration.Embedded.Count), Migration.Embedded.Select(m => m.Version));
    }
}
