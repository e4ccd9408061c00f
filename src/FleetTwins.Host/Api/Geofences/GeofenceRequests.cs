using System.Text.Json;
using System.Text.RegularExpressions;
using FleetTwins.Abstractions.Geofences;
using FleetTwins.Grains.Geofences;
using FleetTwins.Host.Api.Rules;

namespace FleetTwins.Host.Api.Geofences;

/// <summary>Body of <c>POST /api/geofences</c> and <c>PUT /api/geofences/{id}</c>: a GeoJSON geometry or a circle, not both.</summary>
public sealed record GeofenceRequest(
    string? Id, string? Name, JsonElement? Geometry, GeofenceCircleRequest? Circle, string? MinDwell, double? ExitBufferMeters);

/// <summary>A circle as a request gives it.</summary>
public sealed record GeofenceCircleRequest(GeofenceCenterRequest? Center, double? RadiusMeters);

/// <summary>A circle's centre as a request gives it.</summary>
public sealed record GeofenceCenterRequest(double? Latitude, double? Longitude);

/// <summary>A geofence as the API shows it: the geometry as GeoJSON, <c>minDwell</c> as a duration (<c>90s</c>, <c>10m</c>).</summary>
public sealed record GeofenceView(
    string Id, string Name, JsonElement? Geometry, GeofenceCircle? Circle, string MinDwell, double ExitBufferMeters,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version)
{
    public static GeofenceView From(Geofence g)
    {
        JsonElement? geometry = null;
        if (g.Geometry is not null)
        {
            using var document = JsonDocument.Parse(g.Geometry);
            geometry = document.RootElement.Clone();
        }

        return new(g.Id, g.Name, geometry, g.Circle, Durations.Format(g.MinDwell), g.ExitBufferMeters, g.CreatedAt, g.UpdatedAt, g.Version);
    }
}

/// <summary>A page of geofences in id order; <see cref="NextCursor"/> asks for the next one (null: this was the last).</summary>
public sealed record GeofencePage(IReadOnlyList<GeofenceView> Items, string? NextCursor);

/// <summary>What a geofence request may hold, checked before anything is stored: each failure one sentence naming the field.</summary>
public static partial class GeofenceRequests
{
    public const int MaxIdLength = 64;

    public const int MaxNameLength = 200;

    public const double MaxRadiusMeters = 100_000;

    public const double MaxExitBufferMeters = 10_000;

    public static readonly TimeSpan MaxMinDwell = TimeSpan.FromDays(1);

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>The geofence <paramref name="id"/> the request describes, or why it cannot be one.</summary>
    public static (Geofence? Geofence, string? Error) Validate(string id, GeofenceRequest request)
    {
        if (!IsValidId(id))
        {
            return Fail(InvalidId);
        }

        if (request.Id is not null && request.Id != id)
        {
            return Fail($"id '{request.Id}' in the body differs from '{id}' in the path.");
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > MaxNameLength)
        {
            return Fail($"name is required: 1 to {MaxNameLength} characters.");
        }

        // REST refuses control characters where its JSON is read; gRPC text arrives unchecked, so both meet the check here.
        if (StrictJson.HasControl(request.Name))
        {
            return Fail("name holds a control character.");
        }

        var minDwell = Geofence.DefaultMinDwell;
        if (request.MinDwell is not null && DwellProblem(request.MinDwell, out minDwell) is { } dwellProblem)
        {
            return Fail(dwellProblem);
        }

        if (request.ExitBufferMeters is { } buffer && !(buffer >= 0 && buffer <= MaxExitBufferMeters))
        {
            return Fail($"exitBufferMeters is 0 to {MaxExitBufferMeters} metres.");
        }

        var geofence = new Geofence
        {
            Id = id,
            Name = request.Name,
            MinDwell = minDwell,
            ExitBufferMeters = request.ExitBufferMeters ?? Geofence.DefaultExitBufferMeters,
        };
        return (request.Geometry, request.Circle) switch
        {
            ({ ValueKind: not JsonValueKind.Null }, not null) => Fail("give either geometry or circle, not both."),
            ({ ValueKind: not JsonValueKind.Null } geometry, null) => WithGeometry(geofence, geometry),
            (_, { } circle) => WithCircle(geofence, circle),
            _ => Fail("geometry (a GeoJSON Polygon or MultiPolygon) or circle ({center: {latitude, longitude}, radiusMeters}) is required."),
        };
    }

    public const string InvalidId = "A geofence id is 1 to 64 letters, digits, '-', '_' or '.'.";

    private static string? DwellProblem(string text, out TimeSpan minDwell) =>
        !Durations.TryParse(text, out minDwell) ? $"minDwell '{text}' is not a duration: a whole number and s, m, h or d (30s, 10m, 2h, 1d)."
        : minDwell < TimeSpan.Zero ? $"minDwell '{text}' is negative: it is 0s or more."
        : minDwell > MaxMinDwell ? $"minDwell '{text}' is over the most, {Durations.Format(MaxMinDwell)}."
        : null;

    private static (Geofence?, string?) WithGeometry(Geofence geofence, JsonElement geometry)
    {
        if (StrictJson.Problem(geometry, "geometry") is { } text)
        {
            return Fail(text + ".");
        }

        var (_, error) = GeofenceGeometry.Read(geometry);
        return error is null ? (geofence with { Geometry = geometry.GetRawText() }, null) : Fail(error);
    }

    private static (Geofence?, string?) WithCircle(Geofence geofence, GeofenceCircleRequest circle)
    {
        if (circle.Center is not { Latitude: { } latitude, Longitude: { } longitude } || latitude is < -90 or > 90 || longitude is < -180 or > 180
            || double.IsNaN(latitude) || double.IsNaN(longitude))
        {
            return Fail("circle.center needs latitude -90 to 90 and longitude -180 to 180.");
        }

        if (circle.RadiusMeters is not (> 0 and <= MaxRadiusMeters))
        {
            return Fail($"circle.radiusMeters must be above 0 and at most {MaxRadiusMeters} (100 km).");
        }

        return (geofence with { Circle = new GeofenceCircle(new GeofenceCenter(latitude, longitude), circle.RadiusMeters.Value) }, null);
    }

    private static (Geofence?, string?) Fail(string error) => (null, error);

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z")]
    private static partial Regex IdPattern();

}
