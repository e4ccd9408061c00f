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

    /// <summary>A list of ids (the geofences a vehicle is inside, its tags): tested by <c>inside(id)</c> or <c>has</c> only, never compared.</summary>
    TextList,
}

/// <summary>One searchable field: its name in the filter language and the JSON, its type and its column.</summary>
public abstract record Field(string Name, FieldType Type, string Column, bool Sortable = true);

/// <summary>A field of records of type <typeparamref name="T"/>, with how to read it from one.</summary>
public sealed record Field<T>(string Name, FieldType Type, string Column, Func<T, object?> Read, bool Sortable = true)
    : Field(Name, Type, Column, Sortable);

/// <summary>
/// The fields a filter over records of type <typeparamref name="T"/> may name, where <c>inside(id)</c> reads the
/// geofence ids (none: the records have no geofences, and <c>inside</c> is refused), and the lists <c>has</c> tests.
/// </summary>
public sealed class FieldCatalogue<T>
{
    private readonly Dictionary<string, Field<T>> byName;
    private readonly Dictionary<string, Field<T>> listsByName;

    public FieldCatalogue(IReadOnlyList<Field<T>> all, Field<T>? geofences = null, IReadOnlyList<Field<T>>? lists = null)
    {
        All = all;
        Geofences = geofences;
        Lists = lists ?? [];
        byName = all.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        listsByName = Lists.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The fields conditions compare (<c>=</c>, <c>&lt;</c>, <c>in</c>, ...).</summary>
    public IReadOnlyList<Field<T>> All { get; }

    /// <summary>The <see cref="FieldType.TextList"/> field <c>inside(id)</c> tests; not one of <see cref="All"/>.</summary>
    public Field<T>? Geofences { get; }

    /// <summary>The <see cref="FieldType.TextList"/> fields <c>field has "x"</c> tests; not of <see cref="All"/>: a list is never compared.</summary>
    public IReadOnlyList<Field<T>> Lists { get; }

    public Field<T>? Find(string name) => byName.GetValueOrDefault(name);

    /// <summary>The list field <paramref name="name"/>, for <c>has</c>; null when there is none.</summary>
    public Field<T>? FindList(string name) => listsByName.GetValueOrDefault(name);

    /// <summary>The names, for error messages and the docs.</summary>
    public string Names => string.Join(", ", All.Select(f => f.Name)) + (Lists.Count == 0 ? "" : $"; lists (with has) {string.Join(", ", Lists.Select(f => f.Name))}");
}

/// <summary>The fields of a <see cref="VehicleSummary"/> the filter language knows: the default catalogue.</summary>
public static class Fields
{
    public static readonly Field<VehicleSummary> Id = new("id", FieldType.Text, "id", v => v.Id);

    /// <summary>The geofences the vehicle is inside, for <c>inside(id)</c>.</summary>
    public static readonly Field<VehicleSummary> Geofences = new("geofences", FieldType.TextList, "geofences", v => v.Geofences, Sortable: false);

    public static readonly IReadOnlyList<Field<VehicleSummary>> All =
    [
        Id,
        new("vin", FieldType.Text, "vin", v => v.Vin),
        new("make", FieldType.Text, "make", v => v.Make),
        new("model", FieldType.Text, "model", v => v.Model),
        new("name", FieldType.Text, "name", v => v.Name),
        new("plate", FieldType.Text, "plate", v => v.Plate),
        new("group", FieldType.Text, "group", v => v.Group),
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

    /// <summary>The operators' tags of the vehicle, for <c>tags has "depot-a"</c>.</summary>
    public static readonly Field<VehicleSummary> Tags = new("tags", FieldType.TextList, "tags", v => v.Tags, Sortable: false);

    /// <summary>The vehicles' catalogue, the one a filter is parsed against unless another is given.</summary>
    public static readonly FieldCatalogue<VehicleSummary> Vehicles = new(All, Geofences, [Tags]);
}
