namespace FleetTwins.Abstractions.Fleet;

/// <summary>
/// What fleet search and the fleet-wide watch know of one vehicle: a flat row of its live state, kept current by
/// the twin. Property names are the field names of the filter language and of the JSON. Times are whole
/// microseconds (what PostgreSQL stores), so the in-memory and the PostgreSQL projection compare alike.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.VehicleSummary")]
public sealed record VehicleSummary
{
    [Id(0)] public required string Id { get; init; }

    /// <summary>The twin's version: a projection never replaces a row with an older one.</summary>
    [Id(1)] public long Version { get; init; }

    [Id(2)] public string? Vin { get; init; }
    [Id(3)] public string? Make { get; init; }
    [Id(4)] public string? Model { get; init; }
    [Id(5)] public bool Online { get; init; }
    [Id(6)] public DateTimeOffset? LastSeenAt { get; init; }

    /// <summary>Since when the vehicle is offline; null while it is online.</summary>
    [Id(7)] public DateTimeOffset? OfflineSince { get; init; }

    /// <summary>State of charge, percent.</summary>
    [Id(8)] public double? Soc { get; init; }

    /// <summary>Charging state as the provider names it (e.g. <c>CHARGING</c>).</summary>
    [Id(9)] public string? Charging { get; init; }

    /// <summary>Plug state (e.g. <c>PLUGGED_IN</c>).</summary>
    [Id(10)] public string? Plug { get; init; }

    [Id(11)] public double? Latitude { get; init; }
    [Id(12)] public double? Longitude { get; init; }

    /// <summary>Odometer, km.</summary>
    [Id(13)] public double? Odometer { get; init; }

    /// <summary>Remaining range, km.</summary>
    [Id(14)] public double? Range { get; init; }

    /// <summary>True while the vehicle is in a rental.</summary>
    [Id(15)] public bool Rental { get; init; }

    /// <summary>Active alerts (OEM and custom).</summary>
    [Id(16)] public int Alerts { get; init; }

    /// <summary>Active alerts of severity HIGH or CRITICAL.</summary>
    [Id(17)] public int HighAlerts { get; init; }

    [Id(18)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The ids of the geofences the vehicle is inside.</summary>
    [Id(19)] public IReadOnlyList<string> Geofences { get; init; } = [];

    /// <summary>The operators' name of the vehicle, else the provider's nickname.</summary>
    [Id(20)] public string? Name { get; init; }

    /// <summary>The operators' number plate, else the registration a provider reported.</summary>
    [Id(21)] public string? Plate { get; init; }

    /// <summary>The operators' group of the vehicle.</summary>
    [Id(22)] public string? Group { get; init; }

    /// <summary>The operators' tags, distinct, in ordinal order.</summary>
    [Id(23)] public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>
    /// Equal when every value is, the geofence ids and tags in order, so a summary read back equals the one written (a
    /// record compares a list by reference). A new property belongs here too.
    /// </summary>
    public bool Equals(VehicleSummary? other) =>
        other is not null
        && (Id, Version, Vin, Make, Model, Online, LastSeenAt, OfflineSince, Soc, Charging)
            == (other.Id, other.Version, other.Vin, other.Make, other.Model, other.Online, other.LastSeenAt, other.OfflineSince, other.Soc, other.Charging)
        && (Plug, Latitude, Longitude, Odometer, Range, Rental, Alerts, HighAlerts, UpdatedAt)
            == (other.Plug, other.Latitude, other.Longitude, other.Odometer, other.Range, other.Rental, other.Alerts, other.HighAlerts, other.UpdatedAt)
        && (Name, Plate, Group) == (other.Name, other.Plate, other.Group)
        && Geofences.SequenceEqual(other.Geofences, StringComparer.Ordinal)
        && Tags.SequenceEqual(other.Tags, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Id, Version, UpdatedAt);

    /// <summary>Truncates a time to whole microseconds, the precision PostgreSQL keeps.</summary>
    public static DateTimeOffset Micros(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);

    /// <inheritdoc cref="Micros(DateTimeOffset)"/>
    public static DateTimeOffset? Micros(DateTimeOffset? at) => at is { } value ? Micros(value) : null;
}
