using FleetTwins.Abstractions.Geofences;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace FleetTwins.Grains.Geofences;

/// <summary>
/// The fleet's geofences at one registry version, immutable: an STRtree of their boxes answers which contain a point
/// (the box lookup, then each candidate's point test), however many there are.
/// </summary>
public sealed class GeofenceIndex
{
    private readonly Dictionary<string, GeofenceShape> shapes;
    private readonly STRtree<GeofenceShape> tree = new();

    private GeofenceIndex(long version, Dictionary<string, GeofenceShape> shapes)
    {
        Version = version;
        this.shapes = shapes;
        foreach (var shape in shapes.Values)
        {
            tree.Insert(shape.Envelope, shape);
        }

        tree.Build();
    }

    /// <summary>No geofences, before the registry was read: <see cref="Version"/> is -1.</summary>
    public static GeofenceIndex Empty { get; } = new(-1, new Dictionary<string, GeofenceShape>(StringComparer.Ordinal));

    /// <summary>The registry version these geofences are at (-1: not loaded).</summary>
    public long Version { get; }

    public int Count => shapes.Count;

    /// <summary>Builds the index of <paramref name="set"/>, reusing the prepared shapes of <paramref name="previous"/> for geofences that did not change.</summary>
    public static GeofenceIndex Build(GeofenceSet set, GeofenceIndex? previous = null)
    {
        var shapes = new Dictionary<string, GeofenceShape>(set.Geofences.Count, StringComparer.Ordinal);
        foreach (var geofence in set.Geofences)
        {
            shapes[geofence.Id] = previous?.shapes.GetValueOrDefault(geofence.Id) is { } kept && kept.Geofence == geofence
                ? kept
                : GeofenceShape.Create(geofence);
        }

        return new GeofenceIndex(set.Version, shapes);
    }

    public Geofence? Find(string id) => shapes.GetValueOrDefault(id)?.Geofence;

    /// <summary>The geofences whose area contains the point (on the border counts as outside a polygon), in no order.</summary>
    public IReadOnlyList<Geofence> Containing(double latitude, double longitude)
    {
        if (shapes.Count == 0)
        {
            return [];
        }

        var candidates = tree.Query(new Envelope(longitude, longitude, latitude, latitude));
        var containing = new List<Geofence>(candidates.Count);
        foreach (var shape in candidates)
        {
            if (shape.Contains(latitude, longitude))
            {
                containing.Add(shape.Geofence);
            }
        }

        return containing;
    }

    /// <summary>How far the point is from the geofence's border, in metres (inside or out); null when there is no such geofence.</summary>
    public double? DistanceToBorderMeters(string id, double latitude, double longitude) =>
        shapes.GetValueOrDefault(id)?.DistanceToBorderMeters(latitude, longitude);
}
