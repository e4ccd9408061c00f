using FleetTwins.Postgres.Options;
using FleetTwins.Postgres.Schema;
using FleetTwins.Postgres.Storage;
using FleetTwins.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace FleetTwins.Postgres.Tests;

/// <summary>The cluster profile's grain storage against a real PostgreSQL with the schema of deploy/sql.</summary>
public sealed class PostgresGrainStorageTests : IAsyncLifetime
{
    private static readonly GrainId Grain = GrainId.Create("vehicle", "car-1");
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private PostgresDatabase database = null!;
    private PostgresGrainStorage storage = null!;

    public async ValueTask InitializeAsync()
    {
        database = await PostgresDatabase.CreateAsync();
        await new SchemaMigrator(database.DataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(Migration.Embedded);
        storage = Storage(database.DataSource);
    }

    public async ValueTask DisposeAsync()
    {
        await storage.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_write_is_read_back_with_its_version_and_the_next_write_moves_it_on()
    {
        var written = new GrainState<List<string>>(["a"]);
        await storage.WriteStateAsync("vehicle", Grain, written);

        var read = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("vehicle", Grain, read);
        Assert.Equal(["a"], read.State);
        Assert.True(read.RecordExists);
        Assert.Equal("1", read.ETag);

        read.State!.Add("b");
        await storage.WriteStateAsync("vehicle", Grain, read);
        Assert.Equal("2", read.ETag);
        var again = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("vehicle", Grain, again);
        Assert.Equal(["a", "b"], again.State);
    }

    [Fact]
    public async Task Nothing_stored_reads_as_no_record()
    {
        var read = new GrainState<List<string>>(["default"]);
        await storage.ReadStateAsync("vehicle", Grain, read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(["default"], read.State);
    }

    [Fact]
    public async Task A_write_from_a_stale_version_is_refused_and_changes_nothing()
    {
        var first = new GrainState<List<string>>(["a"]);
        await storage.WriteStateAsync("vehicle", Grain, first);
        await storage.WriteStateAsync("vehicle", Grain, first);

        var staleInsert = new GrainState<List<string>>(["never"]);
        var staleUpdate = new GrainState<List<string>>(["never"]) { ETag = "1" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("vehicle", Grain, staleInsert));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("vehicle", Grain, staleUpdate));

        var read = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("vehicle", Grain, read);
        Assert.Equal(["a"], read.State);
        Assert.Equal("2", read.ETag);
    }

    [Fact]
    public async Task Writes_made_together_each_get_exactly_their_own_outcome()
    {
        // 300 grains write 5 times each, all at once: every write lands; one stale writer per 10 grains loses alone.
        var grains = Enumerable.Range(0, 300).Select(i => GrainId.Create("vehicle", $"car-{i}")).ToArray();
        var states = grains.Select(_ => new GrainState<List<string>>([])).ToArray();
        for (var round = 0; round < 5; round++)
        {
            var r = round;
            var stale = grains.Where((_, i) => i % 10 == 0 && r > 0)
                .Select(g => storage.WriteStateAsync("vehicle", g, new GrainState<List<string>>(["stale"]) { ETag = null }));
            var outcomes = await Task.WhenAll(stale.Select(async t =>
            {
                try { await t; return true; } catch (InconsistentStateException) { return false; }
            }).Concat(states.Select(async (state, i) =>
            {
                state.State!.Add($"round {r}");
                await storage.WriteStateAsync("vehicle", grains[i], state);
                return true;
            })));
            Assert.Equal(300, outcomes.Count(ok => ok));
        }

        for (var i = 0; i < grains.Length; i++)
        {
            var read = new GrainState<List<string>>([]);
            await storage.ReadStateAsync("vehicle", grains[i], read);
            Assert.Equal(["round 0", "round 1", "round 2", "round 3", "round 4"], read.State);
            Assert.Equal("5", read.ETag);
        }

        Assert.Equal(300, await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_grain_state"));
    }

    [Fact]
    public async Task States_are_kept_per_state_name_and_per_service()
    {
        await using var otherService = Storage(database.DataSource, serviceId: "other-service");
        await storage.WriteStateAsync("vehicle", Grain, new GrainState<List<string>>(["vehicle"]));
        await storage.WriteStateAsync("alias", Grain, new GrainState<List<string>>(["alias"]));
        await otherService.WriteStateAsync("vehicle", Grain, new GrainState<List<string>>(["other"]));

        Assert.Equal(["vehicle"], await ReadAsync(storage, "vehicle"));
        Assert.Equal(["alias"], await ReadAsync(storage, "alias"));
        Assert.Equal(["other"], await ReadAsync(otherService, "vehicle"));
    }

    [Fact]
    public async Task Cleared_state_is_gone_and_a_stale_clear_is_refused()
    {
        var state = new GrainState<List<string>>(["a"]);
        await storage.WriteStateAsync("vehicle", Grain, state);
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.ClearStateAsync("vehicle", Grain, new GrainState<List<string>>([]) { ETag = "7" }));

        await storage.ClearStateAsync("vehicle", Grain, state);

        Assert.False(state.RecordExists);
        var read = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("vehicle", Grain, read);
        Assert.False(read.RecordExists);
        await storage.WriteStateAsync("vehicle", Grain, state);
        Assert.Equal("1", state.ETag);
    }

    [Fact]
    public async Task Storage_that_cannot_be_reached_fails_every_write_of_the_batch()
    {
        var closed = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = FreePorts.Next(), Timeout = 2 };
        await using var unreachable = NpgsqlDataSource.Create(closed.ConnectionString);
        await using var down = Storage(unreachable);

        var writes = Enumerable.Range(0, 20).Select(i =>
            down.WriteStateAsync("vehicle", GrainId.Create("vehicle", $"car-{i}"), new GrainState<List<string>>(["x"])));

        foreach (var write in writes.ToList())
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => write);
        }
    }

    [Fact]
    public async Task State_written_by_the_orleans_ado_net_provider_is_carried_over_by_the_migration()
    {
        // A row as Orleans' ADO.NET storage (003) wrote it with Orleans' binary serializer, then 006 run over it.
        var payload = new OrleansGrainStorageSerializer(Serializer).Serialize(new List<string> { "from ado.net" }).ToArray();
        await using (var insert = database.DataSource.CreateCommand("""
            INSERT INTO OrleansStorage (ServiceId, GrainTypeString, GrainIdExtensionString, GrainIdN0, GrainIdN1, GrainIdHash, GrainTypeHash, PayloadBinary, Version)
            VALUES ('test-service', 'vehicle', 'car-1', 0, 0, 1, 2, $1, 7)
            """))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = payload });
            await insert.ExecuteNonQueryAsync();
        }

        await using (var carryOver = database.DataSource.CreateCommand(Migration.Embedded.Single(m => m.Version == 6).Sql))
        {
            await carryOver.ExecuteNonQueryAsync();
        }

        var read = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("vehicle", Grain, read);
        Assert.Equal(["from ado.net"], read.State);
        Assert.Equal("7", read.ETag);
        await storage.WriteStateAsync("vehicle", Grain, read);
        Assert.Equal("8", read.ETag);
    }

    private static PostgresGrainStorage Storage(NpgsqlDataSource dataSource, string serviceId = "test-service") => new(
        dataSource, Serializer, new OptionsWrapper<ClusterOptions>(new ClusterOptions { ServiceId = serviceId }),
        new PostgresGrainStorageOptions { MaxBatchSize = 64, MaxConcurrentBatches = 2 });

    private static async Task<List<string>> ReadAsync(PostgresGrainStorage from, string stateName)
    {
        var read = new GrainState<List<string>>([]);
        await from.ReadStateAsync(stateName, Grain, read);
        return read.State!;
    }
}
