using FleetTwins.Persistence.Storage;
using Orleans.Serialization;
using Orleans.Storage;

namespace FleetTwins.Sqlite.Storage;

/// <summary>
/// The embedded profile's grain storage: table <c>grain_state</c> of the data file, Orleans' binary serializer (as on
/// PostgreSQL), optimistic versions. Writes go through the file's one writer (<see cref="SqliteDatabase"/>), many
/// grains in one transaction, each answered after that commit. A write names the version it read; a row that moved on
/// meanwhile makes that grain's write (alone) fail with an <see cref="InconsistentStateException"/>.
/// </summary>
public sealed class SqliteGrainStorage(SqliteDatabase database, Serializer serializer, TimeProvider clock) : IGrainStorage
{
    private const string ReadSql = "SELECT version, payload FROM grain_state WHERE state_name = $p0 AND grain_id = $p1";

    private const string InsertSql = """
        INSERT INTO grain_state (state_name, grain_id, version, payload, modified_at) VALUES ($p0, $p1, 1, $p2, $p3)
        ON CONFLICT DO NOTHING
        """;

    private const string UpdateSql = """
        UPDATE grain_state SET version = version + 1, payload = $p2, modified_at = $p3
        WHERE state_name = $p0 AND grain_id = $p1 AND version = $p4
        """;

    private const string DeleteSql = "DELETE FROM grain_state WHERE state_name = $p0 AND grain_id = $p1 AND version = $p2";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = database.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = ReadSql;
            command.Parameters.AddWithValue("$p0", stateName);
            command.Parameters.AddWithValue("$p1", grainId.ToString());
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetInt64(0), (byte[])reader.GetValue(1)) : ((long, byte[])?)null;
        });
        if (stored is var (version, payload))
        {
            grainState.State = serializer.Deserialize<T>(payload);
            grainState.ETag = StoredVersion.ETag(version);
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var expected = StoredVersion.Of(grainState.ETag);
        var payload = serializer.SerializeToArray(grainState.State);
        var id = grainId.ToString();
        var now = clock.GetUtcNow().UtcTicks;
        var written = await database.WriteAsync(write => expected is { } from
            ? write.Execute(UpdateSql, stateName, id, payload, now, from) == 1 ? from + 1 : (long?)null
            : write.Execute(InsertSql, stateName, id, payload, now) == 1 ? 1 : null);
        grainState.ETag = StoredVersion.ETag(written ?? throw StoredVersion.Conflict(stateName, grainId, grainState.ETag));
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (StoredVersion.Of(grainState.ETag) is { } expected)
        {
            var id = grainId.ToString();
            if (await database.WriteAsync(write => write.Execute(DeleteSql, stateName, id, expected)) == 0)
            {
                throw StoredVersion.Conflict(stateName, grainId, grainState.ETag);
            }
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

}
