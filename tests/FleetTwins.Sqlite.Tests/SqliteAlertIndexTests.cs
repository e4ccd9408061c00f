using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Sqlite.Alerts;
using FleetTwins.Sqlite.Projection;
using FleetTwins.Sqlite.Storage;
using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Tests;

public sealed class SqliteAlertIndexTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_inbox_holds_the_newest_version_of_each_alert_after_a_restart()
    {
        await using var file = new DataFile();
        var index = new SqliteAlertIndex(file.Database, DataFile.Serializer);
        await index.WriteAsync([Alert("a", 2, AlertStatuses.Cleared), Alert("b", 1, AlertStatuses.Active)], CancellationToken.None);
        await index.WriteAsync([Alert("a", 1, AlertStatuses.Active)], CancellationToken.None); // older version: ignored

        await file.ReopenAsync();
        var restarted = new SqliteAlertIndex(file.Database, DataFile.Serializer);

        Assert.Equal(2, restarted.Count);
        var a = await restarted.GetAsync("a", CancellationToken.None);
        Assert.Equal((2L, AlertStatuses.Cleared, T0, """{"soc":12}"""), (a!.Version, a.Status, a.RaisedAt, a.Values));
        Assert.Null(await restarted.GetAsync("unknown", CancellationToken.None));
    }

    [Fact]
    public async Task A_data_file_of_the_previous_schema_gets_the_inbox_when_opened_and_keeps_its_fleet()
    {
        await using var file = new DataFile();
        await new SqliteFleetProjection(file.Database, DataFile.Serializer)
            .WriteAsync([new VehicleSummary { Id = "car-1", Version = 1, Soc = 50, UpdatedAt = T0 }], [], CancellationToken.None);
        using (var connection = new SqliteConnection($"Data Source={file.Path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DROP TABLE alerts; PRAGMA user_version = {SqliteSchema.Version - 1};"; // as a data file from before the inbox was
            command.ExecuteNonQuery();
        }

        await file.ReopenAsync();

        Assert.Equal(SqliteSchema.Version, file.Database.Read(c => SqliteDatabase.Scalar<long>(c, "PRAGMA user_version")));
        var index = new SqliteAlertIndex(file.Database, DataFile.Serializer);
        await index.WriteAsync([Alert("a", 1, AlertStatuses.Active)], CancellationToken.None);
        Assert.Equal(1, (await index.GetAsync("a", CancellationToken.None))!.Version);
        Assert.Equal(1, new SqliteFleetProjection(file.Database, DataFile.Serializer).Count);
    }

    private static Alert Alert(string id, long version, string status) => new()
    {
        Id = id,
        Origin = "rule",
        Rule = "low-soc",
        VehicleId = "car-1",
        Severity = "major",
        Status = status,
        RaisedAt = T0,
        Values = """{"soc":12}""",
        Version = version,
        UpdatedAt = T0.AddMinutes(version),
    };
}
