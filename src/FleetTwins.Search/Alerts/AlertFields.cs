using FleetTwins.Abstractions.Alerts;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;

namespace FleetTwins.Search.Alerts;

/// <summary>The fields of an <see cref="Alert"/> the filter language knows: the alert list's catalogue, and its default order.</summary>
public static class AlertFields
{
    public static readonly Field<Alert> Id = new("id", FieldType.Text, "id", a => a.Id);

    public static readonly Field<Alert> VehicleId = new("vehicleId", FieldType.Text, "vehicle_id", a => a.VehicleId);

    public static readonly Field<Alert> RaisedAt = new("raisedAt", FieldType.Time, "raised_at", a => a.RaisedAt);

    public static readonly FieldCatalogue<Alert> Catalogue = new(
    [
        Id,
        new("status", FieldType.Text, "status", a => a.Status),
        new("severity", FieldType.Text, "severity", a => a.Severity),
        new("rule", FieldType.Text, "rule", a => a.Rule),
        new("origin", FieldType.Text, "origin", a => a.Origin),
        VehicleId,
        RaisedAt,
        new("updatedAt", FieldType.Time, "updated_at", a => a.UpdatedAt),
    ]);

    /// <summary>The list's order unless another is asked for: newest first.</summary>
    public static readonly SortOrder NewestFirst = new(RaisedAt, Descending: true);
}
