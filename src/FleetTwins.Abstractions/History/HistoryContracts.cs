using FleetTwins.Abstractions.Notifications;

namespace FleetTwins.Abstractions.History;

/// <summary>The reading kinds <c>/history?reading=</c> knows, named as the twin's fields are.</summary>
public static class HistoryReadings
{
    public const string StateOfCharge = "stateOfCharge";
    public const string EnergyRemaining = "energyRemaining";
    public const string Range = "range";
    public const string Odometer = "odometer";
    public const string Location = "location";
    public const string Motion = "motion";
    public const string Charging = "charging";
    public const string Plug = "plug";
    public const string ChargingTarget = "chargingTarget";
    public const string ChargingDetails = "chargingDetails";
    public const string DepartureTimes = "departureTimes";
    public const string Tires = "tires";
    public const string OemAlerts = "oemAlerts";
    public const string Alerts = "alerts";
    public const string Alarms = "alarms";
    public const string Connectivity = "connectivity";
    public const string Rental = "rental";
    public const string MasterData = "masterData";
    public const string Status = "status";
    public const string CommandReports = "commandReports";

    /// <summary>Every kind, in the order the API documents them.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        StateOfCharge, EnergyRemaining, Range, Odometer, Location, Motion, Charging, Plug, ChargingTarget, ChargingDetails,
        DepartureTimes, Tires, OemAlerts, Alerts, Alarms, Connectivity, Rental, MasterData, Status, CommandReports,
    ];
}

/// <summary>Where a history page ends, in source-time order: the next page starts after it (keyset paging).</summary>
[GenerateSerializer, Immutable, Alias("ft.HistoryPosition")]
public sealed record HistoryPosition(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] long Sequence,
    [property: Id(2)] int Ordinal);

/// <summary>Readings of one kind whose source time is in [<see cref="From"/>, <see cref="To"/>], after <see cref="After"/>.</summary>
[GenerateSerializer, Immutable, Alias("ft.HistoryQuery")]
public sealed record HistoryQuery(
    [property: Id(0)] string Reading,
    [property: Id(1)] DateTimeOffset From,
    [property: Id(2)] DateTimeOffset To,
    [property: Id(3)] int Limit,
    [property: Id(4)] HistoryPosition? After);

/// <summary>
/// One reading a twin accepted: its value (<see cref="Value"/> + <see cref="Unit"/>, <see cref="State"/>, or a position),
/// the source's time of it, the delivery that carried it, and whether it was applied or arrived late (older than the
/// reading of its kind the twin held then). <see cref="Key"/> names the tire, alert or status it is about.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.HistoryPoint")]
public sealed record HistoryPoint(
    [property: Id(0)] string Reading,
    [property: Id(1)] string? Key,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] double? Value,
    [property: Id(4)] string? Unit,
    [property: Id(5)] string? State,
    [property: Id(6)] double? Latitude,
    [property: Id(7)] double? Longitude,
    [property: Id(8)] string Source,
    [property: Id(9)] string? DeliveryId,
    [property: Id(10)] bool Applied,
    [property: Id(11)] long Sequence,
    [property: Id(12)] int Ordinal,
    [property: Id(13)] DateTimeOffset ReceivedAt)
{
    public HistoryPosition Position => new(At, Sequence, Ordinal);
}

/// <summary>A page of readings; <see cref="Next"/> when more follow; <see cref="RetainedFrom"/> the oldest journal record kept.</summary>
[GenerateSerializer, Immutable, Alias("ft.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] IReadOnlyList<HistoryPoint> Items,
    [property: Id(1)] HistoryPosition? Next,
    [property: Id(2)] DateTimeOffset? RetainedFrom);

/// <summary>Where a trip page ends: trips are listed by start time, then id.</summary>
[GenerateSerializer, Immutable, Alias("ft.TripPosition")]
public sealed record TripPosition([property: Id(0)] DateTimeOffset StartedAt, [property: Id(1)] string Id);

/// <summary>Trips that started in [<see cref="From"/>, <see cref="To"/>], after <see cref="After"/>.</summary>
[GenerateSerializer, Immutable, Alias("ft.TripQuery")]
public sealed record TripQuery(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] DateTimeOffset To,
    [property: Id(2)] int Limit,
    [property: Id(3)] TripPosition? After);

/// <summary>
/// A trip replayed from the journal: its span, distance (as reported, else the odometer's difference, else the track's
/// length), energy and SOC used (as reported, else the readings at its start and end), and how many positions it has.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.TripRecord")]
public sealed record TripRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string Source,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] DateTimeOffset? EndedAt,
    [property: Id(4)] double? DistanceKm,
    [property: Id(5)] double? EnergyUsedKwh,
    [property: Id(6)] double? SocStart,
    [property: Id(7)] double? SocEnd,
    [property: Id(8)] int Positions);

/// <summary>A page of trips, newest start last; <see cref="Next"/> when more follow.</summary>
[GenerateSerializer, Immutable, Alias("ft.TripPage")]
public sealed record TripPage([property: Id(0)] IReadOnlyList<TripRecord> Items, [property: Id(1)] TripPosition? Next);

/// <summary>One position of a track.</summary>
[GenerateSerializer, Immutable, Alias("ft.TrackPoint")]
public sealed record TrackPoint([property: Id(0)] double Latitude, [property: Id(1)] double Longitude, [property: Id(2)] DateTimeOffset At);

/// <summary>The positions received with source times between a trip's start and end, in source-time order, paged.</summary>
[GenerateSerializer, Immutable, Alias("ft.TripTrack")]
public sealed record TripTrack(
    [property: Id(0)] TripRecord Trip,
    [property: Id(1)] IReadOnlyList<TrackPoint> Points,
    [property: Id(2)] HistoryPosition? Next);

/// <summary>The twin as it was at a moment; <see cref="RetainedFrom"/> says from when the history reaches back.</summary>
[GenerateSerializer, Immutable, Alias("ft.AsOfAnswer")]
public sealed record AsOfAnswer([property: Id(0)] Vehicles.VehicleTwin? Twin, [property: Id(1)] DateTimeOffset? RetainedFrom);

/// <summary>Where a notification page ends: by time, then id.</summary>
[GenerateSerializer, Immutable, Alias("ft.NotificationPosition")]
public sealed record NotificationPosition([property: Id(0)] DateTimeOffset At, [property: Id(1)] string Id);

/// <summary>Notifications raised in [<see cref="From"/>, <see cref="To"/>] (their source time), after <see cref="After"/>.</summary>
[GenerateSerializer, Immutable, Alias("ft.NotificationQuery")]
public sealed record NotificationQuery(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] DateTimeOffset To,
    [property: Id(2)] int Limit,
    [property: Id(3)] NotificationPosition? After);

/// <summary>A page of notifications in time order.</summary>
[GenerateSerializer, Immutable, Alias("ft.NotificationPage")]
public sealed record NotificationPage([property: Id(0)] IReadOnlyList<Notification> Items, [property: Id(1)] NotificationPosition? Next);

/// <summary>
/// The history of one vehicle twin (same key), read from its journal and snapshot archive: a read path of its own, so
/// history queries never wait on the twin that ingests. It keeps what it decoded while active and reads only the
/// journal's tail on each call.
/// </summary>
[Alias("ft.IVehicleHistoryGrain")]
public interface IVehicleHistoryGrain : IGrainWithStringKey
{
    /// <summary>Accepted readings of one kind, in source-time order.</summary>
    [Alias("GetHistory")]
    Task<HistoryPage> GetHistoryAsync(HistoryQuery query);

    /// <summary>Trips by start time.</summary>
    [Alias("ListTrips")]
    Task<TripPage> ListTripsAsync(TripQuery query);

    /// <summary>One trip's track; null when the history holds no trip with this id.</summary>
    [Alias("GetTrack")]
    Task<TripTrack?> GetTrackAsync(string tripId, int limit, HistoryPosition? after);

    /// <summary>The twin rebuilt as it was at <paramref name="at"/>: the newest archived snapshot then, and the journal up to it.</summary>
    [Alias("GetAsOf")]
    Task<AsOfAnswer> GetAsOfAsync(DateTimeOffset at);

    /// <summary>Notifications the twin raised within a window.</summary>
    [Alias("GetNotifications")]
    Task<NotificationPage> GetNotificationsAsync(NotificationQuery query);
}
