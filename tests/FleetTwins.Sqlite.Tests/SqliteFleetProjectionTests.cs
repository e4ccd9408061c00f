using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Sqlite.Projection;

namespace FleetTwins.Sqlite.Tests;

public sealed class SqliteFleetProjectionTests
{
    [Fact]
    public async Task The_fleet_is_searchable_again_after_a_restart()
    {
        await using var file = new DataFile();
        var projection = new SqliteFleetProjection(file.Database, DataFile.Serializer);
        await projection.WriteAsync([Summary("a", 3, soc: 80), Summary("b", 1, soc: 20), Summary("gone", 1, soc: 50)], [], CancellationToken.None);
        await projection.WriteAsync([Summary("a", 2, soc: 10)], ["gone"], CancellationToken.None); // older version: ignored

        await file.ReopenAsync();
        var restarted = new SqliteFleetProjection(file.Database, DataFile.Serializer);
        Assert.Equal(2, restarted.Count);
        var aggregates = await restarted.AggregateAsync(FilterParser.Parse("soc > 50"), DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(1, aggregates.Count);
        Assert.Equal(80, aggregates.AverageSoc);
    }

    private static VehicleSummary Summary(string id, long version, double soc) =>
        new() { Id = id, Version = version, Soc = soc, UpdatedAt = DateTimeOffset.UtcNow };
}
