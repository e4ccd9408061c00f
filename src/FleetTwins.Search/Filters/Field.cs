using FleetTwins.Abstractions.Fleet;

namespace FleetTwins.Search.Filters;

/// <summary>What kind of value a field holds, and so which literals and operators it takes.</summary>
public enum FieldType
{
    Text,
    Number,
    Boolean,
    Time,

    /// <summary>A time span derived from a time and "now" (<c>offlineFor</c>).</summary>
    Duration,
}

/// <summary>One searchable field: its name in the filter language and the JSON, its column, and how to read it.</summary>
public sealed record Field(string Name, FieldType Type, string Column, Func<VehicleSummary, object?> Read, bool Sortable = true);

/// <summary>The fields of a <see cref="VehicleSummary"/> the filter language knows.</summary>
public static class Fields
{
    public static readonly Field Id = new("id", FieldType.Text, "id", v => v.Id);

    public static readonly IReadOnlyList<Field> All =
    [
        Id,
        new("vin", FieldType.Text, "vin", v => v.Vin),
        new("make", FieldType.Text, "make", v => v.Make),
        new("model", FieldType.Text, "model", v => v.Model),
        new("online", FieldType.Boolean, "online", v => v.Online, Sortable: false),
        new("rental", FieldType.Boolean, "rental", v => v.Rental, Sortable: false),
        new("soc", FieldType.Number, "soc", v => v.Soc),
        new("range", FieldType.Number, "range_km", v => v.Range),
        new("odometer", FieldType.Number, "odometer_km", v => v.Odometer),
        new("latitude", FieldType.Number, "latitude", v => v.Latitude),
        new("longitude", FieldType.Number, "longitude", v => v.Longitude),
        new("alerts", FieldType.Number, "alerts", v => (double)v.Alerts),
        new("highAlerts", FieldType.Number, "high_alerts", v => (double)v.HighAlerts),
        new("charging", FieldType.Text, "charging", v => v.Charging),
        new("plug", FieldType.Text, "plug", v => v.Plug),
        new("lastSeenAt", FieldType.Time, "last_seen_at", v => v.LastSeenAt),
        new("offlineSince", FieldType.Time, "offline_since", v => v.OfflineSince),
        new("updatedAt", FieldType.Time, "updated_at", v => v.UpdatedAt),
        // How long the vehicle has been offline (unset while online), from offlineSince and now.
        new("offlineFor", FieldType.Duration, "offline_since", v => v.OfflineSince, Sortable: false),
    ];

    private static readonly Dictionary<string, Field> ByName = All.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public static Field? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The names, for error messages and the docs.</summary>
    public static string Names => string.Join(", ", All.Select(f => f.Name));
}
