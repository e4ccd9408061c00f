using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Projection;
using FleetTwins.Search.Queries;
using FleetTwins.Sqlite.Storage;
using Microsoft.Data.Sqlite;
using Orleans.Serialization;

namespace FleetTwins.Sqlite.Projection;

/// <summary>
/// The projection of the embedded profile on a data file: searched in memory (<see cref="InMemoryFleetProjection"/>),
/// kept in table <c>fleet_vehicles</c> (each row the newest summary's version and bytes), and loaded from it when the
/// process starts, so search answers the same fleet after a restart. A write reaches the file before memory.
/// </summary>
public sealed class SqliteFleetProjection : IFleetProjection
{
    private const string UpsertSql = """
        INSERT INTO fleet_vehicles (id, version, payload) VALUES ($p0, $p1, $p2)
        ON CONFLICT (id) DO UPDATE SET version = excluded.version, payload = excluded.payload
        WHERE excluded.version > fleet_vehicles.version
           OR (excluded.version = fleet_vehicles.version AND excluded.payload IS NOT fleet_vehicles.payload)
        """;

    private readonly SqliteDatabase database;
    private readonly Serializer serializer;
    private readonly InMemoryFleetProjection memory = new();

    public SqliteFleetProjection(SqliteDatabase database, Serializer serializer)
    {
        this.database = database;
        this.serializer = serializer;
        var stored = database.Read(connection => ReadAll(connection, serializer));
        memory.WriteAsync(stored, [], CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Every summary table <c>fleet_vehicles</c> of <paramref name="connection"/>'s file holds (also read by <c>migrate --from-sqlite</c>).</summary>
    public static List<VehicleSummary> ReadAll(SqliteConnection connection, Serializer serializer)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM fleet_vehicles";
        using var reader = command.ExecuteReader();
        var rows = new List<VehicleSummary>();
        while (reader.Read())
        {
            rows.Add(serializer.Deserialize<VehicleSummary>((byte[])reader.GetValue(0))!);
        }

        return rows;
    }

    /// <summary>How many twins the projection holds.</summary>
    public int Count => memory.Count;

    public async Task WriteAsync(IReadOnlyCollection<VehicleSummary> upserts, IReadOnlyCollection<string> removals, CancellationToken cancellationToken)
    {
        var rows = upserts.Select(v => (v.Id, v.Version, Payload: serializer.SerializeToArray(v))).ToList();
        await database.WriteAsync(write =>
        {
            foreach (var (id, version, payload) in rows)
            {
                write.Execute(UpsertSql, id, version, payload);
            }

            foreach (var id in removals)
            {
                write.Execute("DELETE FROM fleet_vehicles WHERE id = $p0", id);
            }

            return rows.Count;
        });
        await memory.WriteAsync(upserts, removals, cancellationToken);
    }

    public Task<SearchPage<VehicleSummary>> SearchAsync(SearchQuery query, string? filterText, DateTimeOffset now, CancellationToken cancellationToken) =>
        memory.SearchAsync(query, filterText, now, cancellationToken);

    public Task<FleetAggregates> AggregateAsync(Filter filter, DateTimeOffset now, CancellationToken cancellationToken) =>
        memory.AggregateAsync(filter, now, cancellationToken);

    public ValueTask<long> EstimateRowsAsync(CancellationToken cancellationToken) => memory.EstimateRowsAsync(cancellationToken);
}
