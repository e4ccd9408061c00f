using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;

namespace FleetTwins.Grains.Geofences;

/// <summary>
/// A geofence's GeoJSON geometry read into NetTopologySuite (longitude as x, latitude as y), and checked before it is
/// stored: a Polygon or MultiPolygon of closed rings, in range, within <see cref="MaxVertices"/>, valid as OGC says.
/// </summary>
public static class GeofenceGeometry
{
    /// <summary>The most positions one geofence's geometry may have (every ring's, counted with their closing ones).</summary>
    public const int MaxVertices = 10_000;

    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory() } };

    /// <summary>Reads a stored geometry (checked when it was put).</summary>
    public static Geometry Parse(string geoJson) =>
        JsonSerializer.Deserialize<Geometry>(geoJson, GeoJson) ?? throw new FormatException("The stored geofence geometry is null.");

    /// <summary>Checks a geometry as given; answers the geometry, or why it cannot be a geofence (one sentence).</summary>
    public static (Geometry? Geometry, string? Error) Read(JsonElement geoJson)
    {
        if (geoJson.ValueKind != JsonValueKind.Object)
        {
            return Fail("geometry must be a GeoJSON object.");
        }

        var type = geoJson.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is not ("Polygon" or "MultiPolygon"))
        {
            return Fail($"geometry.type must be \"Polygon\" or \"MultiPolygon\", not {(type is null ? "missing" : $"\"{type}\"")}.");
        }

        if (!geoJson.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            return Fail("geometry.coordinates must be an array.");
        }

        var vertices = 0;
        var error = type == "Polygon"
            ? CheckPolygon(coordinates, "geometry.coordinates", ref vertices)
            : CheckMultiPolygon(coordinates, ref vertices);
        if (error is not null)
        {
            return Fail(error);
        }

        Geometry geometry;
        try
        {
            geometry = Parse(geoJson.GetRawText());
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            return Fail($"geometry is not readable GeoJSON: {e.Message}");
        }

        var validity = new IsValidOp(geometry).ValidationError;
        return validity is null
            ? (geometry, null)
            : Fail($"geometry is not a valid {type}: {validity.Message} near longitude {Text(validity.Coordinate.X)}, latitude {Text(validity.Coordinate.Y)}.");
    }

    private static string? CheckMultiPolygon(JsonElement polygons, ref int vertices)
    {
        if (polygons.GetArrayLength() == 0)
        {
            return "geometry.coordinates of a MultiPolygon must hold at least one polygon.";
        }

        var index = 0;
        foreach (var polygon in polygons.EnumerateArray())
        {
            if (CheckPolygon(polygon, $"geometry.coordinates[{index++}]", ref vertices) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static string? CheckPolygon(JsonElement rings, string path, ref int vertices)
    {
        if (rings.ValueKind != JsonValueKind.Array || rings.GetArrayLength() == 0)
        {
            return $"{path} must be an array of linear rings (the outer ring first).";
        }

        var index = 0;
        foreach (var ring in rings.EnumerateArray())
        {
            if (CheckRing(ring, $"{path}[{index++}]", ref vertices) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static string? CheckRing(JsonElement ring, string path, ref int vertices)
    {
        if (ring.ValueKind != JsonValueKind.Array || ring.GetArrayLength() < 4)
        {
            return $"{path} must be a linear ring: an array of at least 4 positions, the last equal to the first.";
        }

        vertices += ring.GetArrayLength();
        if (vertices > MaxVertices)
        {
            return $"geometry has more than {MaxVertices} positions; simplify it.";
        }

        (double Longitude, double Latitude)? first = null, last = null;
        var index = 0;
        foreach (var position in ring.EnumerateArray())
        {
            var at = $"{path}[{index++}]";
            if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() is < 2 or > 3
                || position.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.Number))
            {
                return $"{at} must be a position: [longitude, latitude] in numbers.";
            }

            var (longitude, latitude) = (position[0].GetDouble(), position[1].GetDouble());
            if (longitude is < -180 or > 180 || latitude is < -90 or > 90)
            {
                return $"{at} is out of range: longitude {Text(longitude)} must be -180 to 180 and latitude {Text(latitude)} -90 to 90 (GeoJSON puts longitude first).";
            }

            first ??= (longitude, latitude);
            last = (longitude, latitude);
        }

        return first == last ? null : $"{path} is not closed: its last position must repeat its first.";
    }

    private static string Text(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static (Geometry?, string?) Fail(string error) => (null, error);
}
