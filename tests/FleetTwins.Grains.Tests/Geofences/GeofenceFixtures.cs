using System.Globalization;
using FleetTwins.Abstractions.Geofences;
using FleetTwins.Grains.Geofences;

namespace FleetTwins.Grains.Tests.Geofences;

/// <summary>Geofences made for tests: squares (as GeoJSON) and circles around a point, and indexes of them.</summary>
internal static class GeofenceFixtures
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The middle of the test square "depot": Berlin.</summary>
    public const double Latitude = 52.52, Longitude = 13.405;

    /// <summary>Degrees of latitude per metre (and of longitude at <see cref="Latitude"/>).</summary>
    public static double LatitudePerMeter => 1 / GeofenceCatalogTestsMath.MetersPerDegree;

    public static double LongitudePerMeter(double latitude) => LatitudePerMeter / Math.Cos(latitude * Math.PI / 180);

    /// <summary>A square polygon ring of <paramref name="sideMeters"/> centred on a point, as GeoJSON coordinates text.</summary>
    public static string SquareRing(double latitude, double longitude, double sideMeters)
    {
        var (dLat, dLon) = (sideMeters / 2 * LatitudePerMeter, sideMeters / 2 * LongitudePerMeter(latitude));
        string P(double lat, double lon) => string.Create(CultureInfo.InvariantCulture, $"[{lon:R},{lat:R}]");
        return $"[{P(latitude - dLat, longitude - dLon)},{P(latitude - dLat, longitude + dLon)},{P(latitude + dLat, longitude + dLon)},"
            + $"{P(latitude + dLat, longitude - dLon)},{P(latitude - dLat, longitude - dLon)}]";
    }

    public static Geofence Square(string id, double latitude = Latitude, double longitude = Longitude, double sideMeters = 1000,
        TimeSpan? minDwell = null, double exitBufferMeters = 25) => new()
        {
            Id = id,
            Name = $"Square {id}",
            Geometry = $$"""{"type":"Polygon","coordinates":[{{SquareRing(latitude, longitude, sideMeters)}}]}""",
            MinDwell = minDwell ?? TimeSpan.FromMinutes(1),
            ExitBufferMeters = exitBufferMeters,
            Version = 1,
        };

    public static Geofence Circle(string id, double latitude, double longitude, double radiusMeters, TimeSpan? minDwell = null) => new()
    {
        Id = id,
        Name = $"Circle {id}",
        Circle = new GeofenceCircle(new GeofenceCenter(latitude, longitude), radiusMeters),
        MinDwell = minDwell ?? TimeSpan.FromMinutes(1),
        Version = 1,
    };

    public static GeofenceIndex Index(long version, params Geofence[] geofences) => GeofenceIndex.Build(new GeofenceSet(version, geofences));

    /// <summary>A position <paramref name="eastMeters"/> east and <paramref name="northMeters"/> north of the square's middle, at T0 + seconds.</summary>
    public static GeofencePosition At(double eastMeters, double northMeters, double seconds) =>
        new(Latitude + northMeters * LatitudePerMeter, Longitude + eastMeters * LongitudePerMeter(Latitude), T0.AddSeconds(seconds));
}

/// <summary>The Earth model the shapes use, restated so that a test does not lean on the code it checks.</summary>
internal static class GeofenceCatalogTestsMath
{
    public const double MetersPerDegree = 6_371_008.8 * Math.PI / 180;
}
