using FleetTwins.Abstractions.Geofences;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace FleetTwins.Grains.Geofences;

/// <summary>A geofence made ready for lookups: its bounding box in degrees, a point test and a distance to its border.</summary>
internal abstract class GeofenceShape(Geofence geofence, Envelope envelope)
{
    /// <summary>The mean Earth radius (IUGG), in metres.</summary>
    public const double EarthRadiusMeters = 6_371_008.8;

    public const double MetersPerDegree = EarthRadiusMeters * Math.PI / 180;

    public Geofence Geofence { get; } = geofence;

    /// <summary>Longitude as x, latitude as y, in degrees.</summary>
    public Envelope Envelope { get; } = envelope;

    public abstract bool Contains(double latitude, double longitude);

    /// <summary>How far the point is from the border, in metres (inside or out).</summary>
    public abstract double DistanceToBorderMeters(double latitude, double longitude);

    public static GeofenceShape Create(Geofence geofence) => geofence.Circle is { } circle
        ? new CircleShape(geofence, circle)
        : new PolygonShape(geofence, GeofenceGeometry.Parse(geofence.Geometry ?? throw new ArgumentException($"Geofence {geofence.Id} has no area.")));

    /// <summary>Great-circle distance (haversine), in metres.</summary>
    public static double HaversineMeters(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        var dLat = Radians(latitude2 - latitude1);
        var dLon = Radians(longitude2 - longitude1);
        var a = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Radians(latitude1)) * Math.Cos(Radians(latitude2)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    public static double Radians(double degrees) => degrees * Math.PI / 180;

    /// <summary>A circle: inside within its radius of the centre on the sphere; its box widened for the latitude.</summary>
    private sealed class CircleShape(Geofence geofence, GeofenceCircle circle) : GeofenceShape(geofence, Box(circle))
    {
        public override bool Contains(double latitude, double longitude) =>
            HaversineMeters(circle.Center.Latitude, circle.Center.Longitude, latitude, longitude) <= circle.RadiusMeters;

        public override double DistanceToBorderMeters(double latitude, double longitude) =>
            Math.Abs(HaversineMeters(circle.Center.Latitude, circle.Center.Longitude, latitude, longitude) - circle.RadiusMeters);

        private static Envelope Box(GeofenceCircle circle)
        {
            var (latitude, longitude) = (circle.Center.Latitude, circle.Center.Longitude);
            var dLat = circle.RadiusMeters / MetersPerDegree;
            var poleward = Math.Min(90, Math.Abs(latitude) + dLat);
            var cos = Math.Cos(Radians(poleward));
            var dLon = poleward >= 89.9 ? 180 : circle.RadiusMeters / (MetersPerDegree * cos);
            // A box past the antimeridian or a pole takes every longitude: rare, and only the box grows.
            return longitude - dLon < -180 || longitude + dLon > 180
                ? new Envelope(-180, 180, Math.Max(-90, latitude - dLat), Math.Min(90, latitude + dLat))
                : new Envelope(longitude - dLon, longitude + dLon, Math.Max(-90, latitude - dLat), Math.Min(90, latitude + dLat));
        }
    }

    /// <summary>
    /// A polygon: the point test on the prepared geometry (its edge index built here, so that lookups from many
    /// threads only read it); distances in metres on a local projection around the point.
    /// </summary>
    private sealed class PolygonShape : GeofenceShape
    {
        private readonly IPreparedGeometry prepared;
        private readonly Geometry border;

        public PolygonShape(Geofence geofence, Geometry geometry) : base(geofence, geometry.EnvelopeInternal)
        {
            prepared = PreparedGeometryFactory.Prepare(geometry);
            border = geometry.Boundary;
            prepared.Contains(geometry.InteriorPoint);
        }

        public override bool Contains(double latitude, double longitude) =>
            prepared.Contains(prepared.Geometry.Factory.CreatePoint(new Coordinate(longitude, latitude)));

        public override double DistanceToBorderMeters(double latitude, double longitude)
        {
            var local = border.Copy();
            local.Apply(new LocalMeters(latitude, longitude));
            return local.Distance(local.Factory.CreatePoint(new Coordinate(0, 0)));
        }
    }

    /// <summary>Degrees to metres east and north of a point (equirectangular): exact enough within a city.</summary>
    private sealed class LocalMeters(double latitude, double longitude) : ICoordinateSequenceFilter
    {
        private readonly double cos = Math.Cos(Radians(latitude));

        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var dLon = seq.GetX(i) - longitude;
            dLon = dLon > 180 ? dLon - 360 : dLon < -180 ? dLon + 360 : dLon;
            seq.SetX(i, dLon * cos * MetersPerDegree);
            seq.SetY(i, (seq.GetY(i) - latitude) * MetersPerDegree);
        }
    }
}
