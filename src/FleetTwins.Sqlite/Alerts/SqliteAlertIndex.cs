using FleetTwins.Abstractions.Alerts;
using FleetTwins.Search.Alerts;
using FleetTwins.Search.Queries;
using FleetTwins.Sqlite.Storage;
using Microsoft.Data.Sqlite;
using Orleans.Serialization;

namespace FleetTwins.Sqlite.Alerts;

/// <summary>
/// The alert index of the embedded profile on a data file: searched in memory (<see cref="InMemoryAlertIndex"/>), kept
/// in table <c>alerts</c> (each row the newest version's number and bytes), and loaded from it when the process starts,
/// so the inbox answers the same after a restart. A write reaches the file before memory.
/// </summary>
public sealed class SqliteAlertIndex : IAlertIndex
{
    private const string UpsertSql = """
        INSERT INTO alerts (id, version, payload) VALUES ($p0, $p1, $p2)
        ON CONFLICT (id) DO UPDATE SET version = excluded.version, payload = excluded.payload
        WHERE excluded.version > alerts.version
        """;

    private readonly SqliteDatabase database;
    private readonly Serializer serializer;
    private readonly InMemoryAlertIndex memory = new();

    public SqliteAlertIndex(SqliteDatabase database, Serializer serializer)
    {
        this.database = database;
        this.serializer = serializer;
        var stored = database.Read(connection => ReadAll(connection, serializer));
        memory.WriteAsync(stored, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Every alert table <c>alerts</c> of <paramref name="connection"/>'s file holds.</summary>
    public static List<Alert> ReadAll(SqliteConnection connection, Serializer serializer)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM alerts";
        using var reader = command.ExecuteReader();
        var rows = new List<Alert>();
        while (reader.Read())
        {
            rows.Add(serializer.Deserialize<Alert>((byte[])reader.GetValue(0))!);
        }

        return rows;
    }

    /// <summary>How many alerts the index holds.</summary>
    public int Count => memory.Count;

    public async Task WriteAsync(IReadOnlyCollection<Alert> alerts, CancellationToken cancellationToken)
    {
        var rows = alerts.Select(a => (a.Id, a.Version, Payload: serializer.SerializeToArray(a))).ToList();
        await database.WriteAsync(write =>
        {
            foreach (var (id, version, payload) in rows)
            {
                write.Execute(UpsertSql, id, version, payload);
            }

            return rows.Count;
        });
        await memory.WriteAsync(alerts, cancellationToken);
    }

    public Task<Alert?> GetAsync(string id, CancellationToken cancellationToken) => memory.GetAsync(id, cancellationToken);

    public Task<SearchPage<Alert>> SearchAsync(SearchQuery query, string? filterText, DateTimeOffset now, CancellationToken cancellationToken) =>
        memory.SearchAsync(query, filterText, now, cancellationToken);

    public Task<IReadOnlyDictionary<string, long>> CountOpenByRuleAsync(CancellationToken cancellationToken) => memory.CountOpenByRuleAsync(cancellationToken);

    public ValueTask<long> EstimateRowsAsync(CancellationToken cancellationToken) => memory.EstimateRowsAsync(cancellationToken);
}
