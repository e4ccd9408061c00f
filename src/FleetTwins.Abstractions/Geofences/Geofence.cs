namespace FleetTwins.Abstractions.Geofences;

/// <summary>
/// An operator's geofence: an area (a GeoJSON Polygon or MultiPolygon, or a circle) that twins enter and leave once
/// they stayed <see cref="MinDwell"/> of source time, leaving only beyond <see cref="ExitBufferMeters"/> of its border.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.Geofence")]
public sealed record Geofence : IVersionedTwin
{
    public static readonly TimeSpan DefaultMinDwell = TimeSpan.FromMinutes(1);

    public const double DefaultExitBufferMeters = 25;

    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string Name { get; init; }

    /// <summary>The area as GeoJSON (RFC 7946: longitude first), a Polygon or MultiPolygon; null for a circle.</summary>
    [Id(2)] public string? Geometry { get; init; }

    /// <summary>The area as a circle; null for a GeoJSON geometry.</summary>
    [Id(3)] public GeofenceCircle? Circle { get; init; }

    [Id(4)] public TimeSpan MinDwell { get; init; } = DefaultMinDwell;

    [Id(5)] public double ExitBufferMeters { get; init; } = DefaultExitBufferMeters;

    [Id(6)] public DateTimeOffset CreatedAt { get; init; }

    [Id(7)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Grows with every put of this geofence.</summary>
    [Id(8)] public long Version { get; init; }
}

/// <summary>A circular geofence: every point within <see cref="RadiusMeters"/> (on the sphere) of its centre.</summary>
[GenerateSerializer, Immutable, Alias("ft.GeofenceCircle")]
public sealed record GeofenceCircle(
    [property: Id(0)] GeofenceCenter Center,
    [property: Id(1)] double RadiusMeters);

/// <summary>A circle's centre, in WGS 84 degrees.</summary>
[GenerateSerializer, Immutable, Alias("ft.GeofenceCenter")]
public sealed record GeofenceCenter(
    [property: Id(0)] double Latitude,
    [property: Id(1)] double Longitude);
