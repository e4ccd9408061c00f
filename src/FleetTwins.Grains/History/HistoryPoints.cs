using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.History;
using FleetTwins.Grains.Vehicles;

namespace FleetTwins.Grains.History;

/// <summary>
/// Pure: the history readings one canonical event is (none for a trip event), and which reading of the twin each
/// would replace — its kind and key — so that one older than the newest of its kind counts as late, as
/// <see cref="VehicleTwinState.Apply(VehicleEvent, string)"/> rules (a reading at the same time as the newest replaces it).
/// </summary>
public static class HistoryPoints
{
    /// <summary>The reading <paramref name="e"/> is, without its place in the journal and its applied flag; null for none.</summary>
    public static HistoryPoint? Of(VehicleEvent e, string source) => e switch
    {
        StateOfChargeReported soc => Point(HistoryReadings.StateOfCharge, null, e, source, soc.Percent, "percent"),
        EnergyRemainingReported energy => Point(HistoryReadings.EnergyRemaining, null, e, source, energy.Kwh, "kwh"),
        RangeReported range => Point(HistoryReadings.Range, null, e, source, range.Km, "km"),
        OdometerReported odometer => Point(HistoryReadings.Odometer, null, e, source, odometer.Km, "km"),
        LocationReported location => Point(HistoryReadings.Location, null, e, source, state: location.Address,
            latitude: location.Latitude, longitude: location.Longitude),
        MotionReported motion => Point(HistoryReadings.Motion, null, e, source, motion.SpeedKmh, "km/h"),
        TirePressureReported tire => Point(HistoryReadings.Tires, tire.Position, e, source, tire.Kpa, "kpa"),
        OemAlertReported alert => Point(HistoryReadings.OemAlerts, alert.Code, e, source, state: alert.Active ? "ACTIVE" : "CLEARED"),
        ChargingStateReported charging => Point(HistoryReadings.Charging, null, e, source, state: charging.State),
        PlugStateReported plug => Point(HistoryReadings.Plug, null, e, source, state: plug.Plugged ? "PLUGGED" : "UNPLUGGED"),
        DepartureTimesReported departures => Point(HistoryReadings.DepartureTimes, null, e, source,
            state: string.Join(' ', departures.Departures.Select(d => $"{d.Hour:00}:{d.Minute:00}"))),
        ChargingDataReported data => Point(HistoryReadings.ChargingDetails, null, e, source, data.PowerKw, data.PowerKw is null ? null : "kw"),
        ChargingTargetReported target => Point(HistoryReadings.ChargingTarget, null, e, source, target.TargetSoc, "percent"),
        ConnectivityReported connectivity => Point(HistoryReadings.Connectivity, null, e, source, state: connectivity.Online ? "ONLINE" : "OFFLINE"),
        CommandStatusReported command => Point(HistoryReadings.CommandReports, command.ProviderCommandId, e, source, state: command.Status),
        TrackerEventReported tracker => Point(HistoryReadings.Alarms, tracker.Kind, e, source, tracker.Value, state: tracker.GeofenceName),
        MasterDataReported master => Point(HistoryReadings.MasterData, null, e, source,
            state: string.Join(' ', new[] { master.Make, master.Model, master.Registration }.Where(p => p is { Length: > 0 }))),
        AlertLinked alert => Point(HistoryReadings.Alerts, alert.AlertId, e, source, state: alert.Active ? "ACTIVE" : "RESOLVED"),
        RentalStatusReported rental => Point(HistoryReadings.Rental, null, e, source, state: rental.InRental ? "IN_RENTAL" : "AVAILABLE"),
        DeviceStatusReported status => Point(HistoryReadings.Status, status.Name, e, source, state: status.Value),
        _ => null,
    };

    /// <summary>
    /// Kinds that are a list of happenings rather than one current reading (every alarm and command report is kept):
    /// never late.
    /// </summary>
    public static bool AlwaysApplied(string reading) => reading is HistoryReadings.Alarms or HistoryReadings.CommandReports;

    /// <summary>Whether an event also counts as the vehicle being seen (it then bumps connectivity, as the twin does).</summary>
    public static bool Sees(VehicleEvent e, string source) =>
        e is not (AlertLinked or CommandStatusReported or ChargingTargetReported) && source != Sources.Api;

    /// <summary>The source time of each reading the twin holds, by (kind, key): where a history replay starts from a snapshot.</summary>
    public static IEnumerable<((string Reading, string? Key), DateTimeOffset At)> Newest(VehicleTwinState state)
    {
        (string, string?) Kind(string reading, string? key = null) => (reading, key);
        if (state.StateOfCharge is { } soc)
        {
            yield return (Kind(HistoryReadings.StateOfCharge), soc.At);
        }

        if (state.EnergyRemaining is { } energy)
        {
            yield return (Kind(HistoryReadings.EnergyRemaining), energy.At);
        }

        if (state.Range is { } range)
        {
            yield return (Kind(HistoryReadings.Range), range.At);
        }

        if (state.Odometer is { } odometer)
        {
            yield return (Kind(HistoryReadings.Odometer), odometer.At);
        }

        if (state.Location is { } location)
        {
            yield return (Kind(HistoryReadings.Location), location.At);
        }

        if (state.Motion is { } motion)
        {
            yield return (Kind(HistoryReadings.Motion), motion.At);
        }

        if (state.Charging is { } charging)
        {
            yield return (Kind(HistoryReadings.Charging), charging.At);
        }

        if (state.Plug is { } plug)
        {
            yield return (Kind(HistoryReadings.Plug), plug.At);
        }

        if (state.DepartureTimes is { } departures)
        {
            yield return (Kind(HistoryReadings.DepartureTimes), departures.At);
        }

        if (state.ChargingDetails is { } details)
        {
            yield return (Kind(HistoryReadings.ChargingDetails), details.At);
        }

        if (state.ChargingTarget is { } target)
        {
            yield return (Kind(HistoryReadings.ChargingTarget), target.At);
        }

        if (state.Connectivity is { } connectivity)
        {
            yield return (Kind(HistoryReadings.Connectivity), connectivity.At);
        }

        if (state.MasterData is { } master)
        {
            yield return (Kind(HistoryReadings.MasterData), master.At);
        }

        if (state.Rental is { } rental)
        {
            yield return (Kind(HistoryReadings.Rental), rental.At);
        }

        foreach (var (position, tire) in state.Tires)
        {
            yield return (Kind(HistoryReadings.Tires, position), tire.At);
        }

        foreach (var (code, alert) in state.OemAlerts)
        {
            yield return (Kind(HistoryReadings.OemAlerts, code), alert.At);
        }

        foreach (var (id, alert) in state.CustomAlerts)
        {
            yield return (Kind(HistoryReadings.Alerts, id), alert.At);
        }

        foreach (var (name, status) in state.Status)
        {
            yield return (Kind(HistoryReadings.Status, name), status.At);
        }
    }

    private static HistoryPoint Point(string reading, string? key, VehicleEvent e, string source, double? value = null, string? unit = null,
        string? state = null, double? latitude = null, double? longitude = null) =>
        new(reading, key, e.At, value, unit, state, latitude, longitude, source, null, true, 0, 0, default);
}
