using System.Text.Json;
using FleetTwins.Abstractions.Geofences;
using FleetTwins.Grains.Geofences;
using static FleetTwins.Grains.Tests.Geofences.GeofenceFixtures;

namespace FleetTwins.Grains.Tests.Geofences;

/// <summary>The catalog's index: which geofences contain a point among many, and distances to a border.</summary>
public sealed class GeofenceIndexTests
{
    /// <summary>10,000 squares of 200 m on a grid 0.01° apart (about 1.1 km north, 0.7 km east), half of them circles.</summary>
    internal static Geofence[] Grid(int count) => [.. Enumerable.Range(0, count).Select(i =>
    {
        var (lat, lon) = (45 + i / 100 * 0.01, 5 + i % 100 * 0.01);
        return i % 2 == 0 ? Square($"g{i}", lat, lon, 200) : Circle($"g{i}", lat, lon, 100);
    })];

    [Fact]
    public void Among_ten_thousand_geofences_a_point_is_in_exactly_the_ones_around_it()
    {
        var index = Index(7, Grid(10_000));

        Assert.Equal((7, 10_000), (index.Version, index.Count));
        Assert.Equal("g4242", Assert.Single(index.Containing(45.42, 5.42)).Id);
        Assert.Equal("g4243", Assert.Single(index.Containing(45.42, 5.43)).Id);
        Assert.Empty(index.Containing(45.425, 5.425));
        Assert.Empty(index.Containing(-33.9, 18.4));
    }

    [Fact]
    public void Overlapping_geofences_all_contain_a_point_in_both()
    {
        var index = Index(1, Square("depot"), Circle("gate", Latitude, Longitude, 100), Square("far", Latitude + 1, Longitude));

        Assert.Equal(["depot", "gate"], index.Containing(Latitude, Longitude).Select(g => g.Id).Order());
    }

    [Fact]
    public void The_distance_to_a_border_is_in_metres_inside_and_out()
    {
        var index = Index(1, Square("depot"), Circle("gate", Latitude, Longitude, 300));
        var outside = At(600, 0, 0);
        var inside = At(0, 400, 0);

        Assert.Equal(100, index.DistanceToBorderMeters("depot", outside.Latitude, outside.Longitude)!.Value, 0.5);
        Assert.Equal(100, index.DistanceToBorderMeters("depot", inside.Latitude, inside.Longitude)!.Value, 0.5);
        Assert.Equal(300, index.DistanceToBorderMeters("gate", outside.Latitude, outside.Longitude)!.Value, 0.5);
        Assert.Null(index.DistanceToBorderMeters("nowhere", Latitude, Longitude));
    }

    [Fact]
    public void A_rebuilt_index_answers_for_the_new_set_only()
    {
        var before = Index(1, Square("depot"));
        var after = GeofenceIndex.Build(new GeofenceSet(2, [Square("depot", Latitude + 1, Longitude)]), before);

        Assert.Single(before.Containing(Latitude, Longitude));
        Assert.Empty(after.Containing(Latitude, Longitude));
        Assert.Single(after.Containing(Latitude + 1, Longitude));
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { """{"type":"Point","coordinates":[13.4,52.5]}""", "\"Point\"" },
        { """{"type":"Polygon","coordinates":[[[13.4,52.5],[13.5,52.5],[13.5,52.6],[13.4,52.6]]]}""", "not closed" },
        { """{"type":"Polygon","coordinates":[[[13.4,52.5],[13.5,52.5],[13.4,52.5]]]}""", "at least 4 positions" },
        { """{"type":"Polygon","coordinates":[[[13.4,52.5],[13.5,52.6],[13.5,52.5],[13.4,52.6],[13.4,52.5]]]}""", "Self-intersection" },
        { """{"type":"Polygon","coordinates":[[[52.5,181],[52.6,181],[52.6,182],[52.5,181]]]}""", "out of range" },
        { """{"type":"Polygon","coordinates":[[[13.4,52.5],["x",52.5],[13.5,52.6],[13.4,52.5]]]}""", "must be a position" },
        { """{"type":"MultiPolygon","coordinates":[]}""", "at least one polygon" },
        { """{"coordinates":[]}""", "missing" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_geometry_that_cannot_be_a_geofence_is_refused_naming_why(string geoJson, string expected)
    {
        var (geometry, error) = GeofenceGeometry.Read(JsonDocument.Parse(geoJson).RootElement);

        Assert.Null(geometry);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_geometry_over_the_vertex_limit_is_refused()
    {
        var ring = string.Join(',', Enumerable.Range(0, GeofenceGeometry.MaxVertices).Select(i => $"[{13 + Math.Cos(i * 0.0006):R},{52 + Math.Sin(i * 0.0006):R}]"));
        var geoJson = $$"""{"type":"Polygon","coordinates":[[{{ring}},[{{13 + 1.0:R}},{{52.0:R}}]]]}""";

        var (_, error) = GeofenceGeometry.Read(JsonDocument.Parse(geoJson).RootElement);

        Assert.Contains($"more than {GeofenceGeometry.MaxVertices} positions", error);
    }

    [Fact]
    public void A_valid_multipolygon_with_a_hole_is_read()
    {
        var geoJson = $$"""{"type":"MultiPolygon","coordinates":[[{{SquareRing(Latitude, Longitude, 1000)}},{{SquareRing(Latitude, Longitude, 200)}}]]}""";

        var (geometry, error) = GeofenceGeometry.Read(JsonDocument.Parse(geoJson).RootElement);

        Assert.Null(error);
        var index = Index(1, Square("donut") with { Geometry = geoJson });
        Assert.Empty(index.Containing(Latitude, Longitude));
        Assert.Single(index.Containing(At(300, 0, 0).Latitude, At(300, 0, 0).Longitude));
        Assert.NotNull(geometry);
    }
}
