using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;
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

    /// <summary>
    /// A summary as the build before geofences stored it (serialized then, kept here as bytes): the payload is
    /// version-tolerant, so the file needs no schema step and the row reads with no geofences.
    /// </summary>
    private const string SummaryWithoutGeofences =
        "20E8400B6F6C642D31011DC1014107424D57C1010103218000904E894849DF08810000000000000000E0C101810000000000404540C1" +
        "01C101C101C101C101C10101010101010121808026E7894849DF08810000000000000000E0E0";

    /// <summary>The file holding one row (<c>old-1</c>, version 7) as a build before geofences wrote it, reopened.</summary>
    private static async Task<SqliteFleetProjection> WithRowFromBeforeGeofencesAsync(DataFile file)
    {
        await file.Database.WriteAsync(write =>
        {
            write.Execute("INSERT INTO fleet_vehicles (id, version, payload) VALUES ($p0, $p1, $p2)", "old-1", 7L, Convert.FromHexString(SummaryWithoutGeofences));
            return 1;
        });

        await file.ReopenAsync();
        return new SqliteFleetProjection(file.Database, DataFile.Serializer);
    }

    [Fact]
    public async Task A_file_from_before_geofences_opens_and_its_rows_are_in_no_geofence()
    {
        await using var file = new DataFile();
        var projection = await WithRowFromBeforeGeofencesAsync(file);
        var now = new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero);
        var old = Assert.Single(await SearchAsync(projection, "make = BMW and soc = 42.5 and lastSeenAt < now() - 1m", now));
        Assert.Equal(7, old.Version);
        Assert.Empty(old.Geofences);
        Assert.Empty(await SearchAsync(projection, "inside(depot)", now));

        await projection.WriteAsync([old with { Version = 8, Geofences = ["depot"] }], [], CancellationToken.None);
        await file.ReopenAsync();
        var reopened = new SqliteFleetProjection(file.Database, DataFile.Serializer);
        Assert.Equal(["depot"], Assert.Single(await SearchAsync(reopened, "inside(depot)", now)).Geofences);
    }

    /// <summary>The same bytes hold no master data either: the row reads with none, and takes it on its next write.</summary>
    [Fact]
    public async Task A_file_from_before_master_data_opens_and_its_rows_gain_plate_group_and_tags_on_their_next_write()
    {
        await using var file = new DataFile();
        var projection = await WithRowFromBeforeGeofencesAsync(file);
        var now = new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero);
        var old = Assert.Single(await SearchAsync(projection, "make = BMW", now));
        Assert.Equal((null, null, null), (old.Name, old.Plate, old.Group));
        Assert.Empty(old.Tags);
        Assert.Empty(await SearchAsync(projection, "tags has depot-a or group != null", now));

        await projection.WriteAsync([old with { Version = 8, Plate = "B-FT 123", Group = "vans", Tags = ["depot-a"] }], [], CancellationToken.None);
        await file.ReopenAsync();
        var reopened = new SqliteFleetProjection(file.Database, DataFile.Serializer);
        var found = Assert.Single(await SearchAsync(reopened, "plate = \"B-FT 123\" and tags has \"depot-a\" and group = vans", now));
        Assert.Equal(("old-1", 8L), (found.Id, found.Version));
    }

    private static async Task<IReadOnlyList<VehicleSummary>> SearchAsync(SqliteFleetProjection projection, string filter, DateTimeOffset now) =>
        (await projection.SearchAsync(new SearchQuery(FilterParser.Parse(filter), SortOrder.ById, 10, null), filter, now, CancellationToken.None)).Items;

    private static VehicleSummary Summary(string id, long version, double soc) =>
        new() { Id = id, Version = version, Soc = soc, UpdatedAt = DateTimeOffset.UtcNow };
}
