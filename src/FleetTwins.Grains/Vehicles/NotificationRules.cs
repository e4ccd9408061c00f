using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Options;

namespace FleetTwins.Grains.Vehicles;

/// <summary>
/// The rules that derive notifications from a vehicle twin's change (pure): what a delivery changed is the
/// difference between the twin as it was (<see cref="Watched"/>) and as it is. Thresholds re-arm only past a
/// hysteresis band, and the target-SOC notification fires once per charging session.
/// </summary>
public static class NotificationRules
{
    /// <summary>What the rules compare before and after a change.</summary>
    public sealed record Watched(
        string? Charging, string? Plug, bool Online, bool? InRental, string? CurrentTrip, IReadOnlySet<string> Trips,
        IReadOnlyDictionary<string, bool> OemAlerts, IReadOnlyDictionary<string, ActiveAlert> CustomAlerts,
        IReadOnlySet<VehicleAlarm> Alarms, IReadOnlyDictionary<string, CommandStatus> Commands);

    /// <summary>Alarm kinds (tracker, INVERS) and the notification each raises.</summary>
    private static readonly Dictionary<string, string> AlarmTypes = new(StringComparer.Ordinal)
    {
        ["overspeed"] = "overspeed",
        ["geofence_enter"] = "geofence-entered",
        ["geofence_exit"] = "geofence-left",
        ["fuel_drain"] = "fuel-drain",
        ["sos"] = "sos",
        ["tampering"] = "tampering",
        ["power_cut"] = "power-cut",
        ["smoke_detected"] = "smoke-detected",
    };

    public static Watched Capture(VehicleTwinState twin) => new(
        twin.Charging?.State, twin.Plug?.State, twin.Connectivity?.Online ?? false, twin.Rental?.InRental, twin.CurrentTrip?.Id,
        twin.Trips.Select(t => t.Id).ToHashSet(),
        twin.OemAlerts.ToDictionary(a => a.Key, a => a.Value.Active),
        new Dictionary<string, ActiveAlert>(twin.CustomAlerts),
        twin.Alarms.ToHashSet(),
        twin.Commands.ToDictionary(c => c.Id, c => c.Status));

    /// <summary>The notifications the change from <paramref name="before"/> to <paramref name="twin"/> raises; updates the rules' arming flags.</summary>
    public static List<Notification> Derive(string twinId, Watched before, VehicleTwinState twin, NotificationOptions options, DateTimeOffset now)
    {
        var raised = new List<Notification>();
        void Raise(string type, DateTimeOffset at, string reason, object data) => raised.Add(Create(twinId, type, at, reason, data));

        if (twin.Charging is { } charging && charging.State != before.Charging)
        {
            if (charging.State == "CHARGING")
            {
                Raise("charging-started", charging.At, "charging started", new { state = charging.State, soc = twin.StateOfCharge?.Value });
            }
            else if (before.Charging == "CHARGING")
            {
                Raise("charging-stopped", charging.At, $"charging stopped ({charging.State})", new { state = charging.State, soc = twin.StateOfCharge?.Value });
                if (twin.ChargingTarget is { } target && twin.StateOfCharge is { } soc && soc.Value < target.TargetSoc - options.SocHysteresisPercent)
                {
                    Raise("charging-stopped-before-target", charging.At, $"charging stopped at {soc.Value}% before the {target.TargetSoc}% target",
                        new { soc = soc.Value, targetSoc = target.TargetSoc });
                }
            }
        }

        // A first reading of PLUGGED is news; a first reading of UNPLUGGED is not.
        if (twin.Plug is { } plug && plug.State != before.Plug && (before.Plug is not null || plug.State == "PLUGGED"))
        {
            Raise(plug.State == "PLUGGED" ? "plugged-in" : "unplugged", plug.At, $"plug state {plug.State}", new { state = plug.State });
        }

        var online = twin.Connectivity?.Online ?? false;
        if (online != before.Online && twin.Connectivity is { } connectivity)
        {
            if (!online)
            {
                twin.OfflineSince = connectivity.At; // vehicle-offline waits out the dwell time
            }
            else if (twin.OfflineAnnounced || twin.OfflineSince is null)
            {
                twin.OfflineAnnounced = false;
                twin.OfflineSince = null;
                Raise("vehicle-online", connectivity.At, "the vehicle is connected", new { online, source = connectivity.Source });
            }
            else
            {
                twin.OfflineSince = null; // back within the dwell time: a flap, not news
            }
        }

        raised.AddRange(CheckOffline(twinId, twin, options, now));

        DeriveSoc(twin, options, Raise);
        DeriveTires(twin, options, Raise);

        foreach (var (code, alert) in twin.OemAlerts)
        {
            var wasActive = before.OemAlerts.GetValueOrDefault(code);
            if (alert.Active != wasActive && (alert.Active || before.OemAlerts.ContainsKey(code)))
            {
                Raise(alert.Active ? "oem-alert-raised" : "oem-alert-cleared", alert.At, $"{code}: {alert.MappedMessage ?? alert.Message}",
                    new { code, severity = alert.Severity, message = alert.Message, mappedCode = alert.MappedCode });
            }
        }

        foreach (var (id, alert) in twin.CustomAlerts)
        {
            before.CustomAlerts.TryGetValue(id, out var previous);
            var active = alert.Kind == "custom";
            var wasActive = previous?.Kind == "custom";
            var data = new { alertId = id, severity = alert.Severity, title = alert.Title };
            if (active && !wasActive)
            {
                Raise("alert-created", alert.At, $"alert {alert.Title ?? id} is active", data);
            }
            else if (!active && wasActive)
            {
                Raise("alert-resolved", alert.At, $"alert {alert.Title ?? id} is resolved", data);
            }
            else if (active && Rank(alert.Severity) > Rank(previous?.Severity))
            {
                Raise("alert-escalated", alert.At, $"alert {alert.Title ?? id} escalated from {previous?.Severity} to {alert.Severity}", data);
            }
        }

        foreach (var alarm in twin.Alarms.Where(a => !before.Alarms.Contains(a)).OrderBy(a => a.At))
        {
            if (AlarmTypes.TryGetValue(alarm.Kind, out var type))
            {
                Raise(type, alarm.At, alarm.GeofenceName is { } name ? $"{alarm.Kind} {name}" : alarm.Kind,
                    new { kind = alarm.Kind, value = alarm.Value, geofence = alarm.GeofenceName, source = alarm.Source });
            }
        }

        if (twin.CurrentTrip is { } trip && trip.Id != before.CurrentTrip)
        {
            Raise("trip-started", trip.StartedAt, $"trip {trip.Id} started", new { tripId = trip.Id });
        }

        foreach (var ended in twin.Trips.Where(t => !before.Trips.Contains(t.Id) && t.EndedAt is not null))
        {
            Raise("trip-ended", ended.EndedAt!.Value, $"trip {ended.Id} ended", new { tripId = ended.Id, distanceKm = ended.DistanceKm });
        }

        if (twin.Rental is { } rental && rental.InRental != before.InRental && (before.InRental is not null || rental.InRental))
        {
            Raise(rental.InRental ? "rental-started" : "rental-ended", rental.At, rental.InRental ? "rental started" : "rental ended", new { inRental = rental.InRental });
        }

        foreach (var command in twin.Commands)
        {
            if (before.Commands.GetValueOrDefault(command.Id) == command.Status)
            {
                continue;
            }

            var last = command.History[^1];
            if (command.Status == CommandStatus.FAILED)
            {
                Raise("command-failed", last.At, $"{command.Command} failed: {last.Reason}", new { commandId = command.Id, command = command.Command, reason = last.Reason });
            }
            else if (command.Status == CommandStatus.TIMED_OUT)
            {
                Raise("command-timed-out", last.At, $"{command.Command} timed out", new { commandId = command.Id, command = command.Command });
            }
        }

        return raised;
    }

    /// <summary>vehicle-offline once the vehicle has stayed disconnected for the dwell time (from a delivery or the reminder).</summary>
    public static List<Notification> CheckOffline(string twinId, VehicleTwinState twin, NotificationOptions options, DateTimeOffset now)
    {
        if (twin.OfflineSince is not { } since || twin.OfflineAnnounced || twin.Connectivity?.Online != false || now - since < options.OfflineDwell)
        {
            return [];
        }

        twin.OfflineAnnounced = true;
        return [Create(twinId, "vehicle-offline", since, $"the vehicle has been disconnected since {since.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
            new { online = false, since, source = twin.Connectivity.Source })];
    }

    /// <summary>target-soc-reached once per charging session; low-soc once until the SOC recovers past the hysteresis.</summary>
    private static void DeriveSoc(VehicleTwinState twin, NotificationOptions options, Action<string, DateTimeOffset, string, object> raise)
    {
        if (twin.StateOfCharge is not { } soc)
        {
            return;
        }

        var charging = twin.Charging?.State == "CHARGING";
        if (twin.ChargingTarget is { } target)
        {
            if (!twin.TargetSocNotified && charging && soc.Value >= target.TargetSoc)
            {
                twin.TargetSocNotified = true;
                raise("target-soc-reached", soc.At, $"state of charge {soc.Value}% reached the {target.TargetSoc}% target",
                    new { soc = soc.Value, targetSoc = target.TargetSoc, targetSource = target.Source });
            }
            else if (twin.TargetSocNotified && (!charging || soc.Value < target.TargetSoc - options.SocHysteresisPercent))
            {
                twin.TargetSocNotified = false;
            }
        }

        if (!twin.LowSocNotified && soc.Value < options.LowSocPercent)
        {
            twin.LowSocNotified = true;
            raise("low-soc", soc.At, $"state of charge {soc.Value}% is below {options.LowSocPercent}%", new { soc = soc.Value, threshold = options.LowSocPercent });
        }
        else if (twin.LowSocNotified && soc.Value >= options.LowSocPercent + options.SocHysteresisPercent)
        {
            twin.LowSocNotified = false;
        }
    }

    private static void DeriveTires(VehicleTwinState twin, NotificationOptions options, Action<string, DateTimeOffset, string, object> raise)
    {
        foreach (var (position, pressure) in twin.Tires)
        {
            var notified = twin.LowTiresNotified.Contains(position);
            if (!notified && pressure.Value < options.LowTirePressureKpa)
            {
                twin.LowTiresNotified.Add(position);
                raise("low-tire-pressure", pressure.At, $"{position} at {pressure.Value} kPa is below {options.LowTirePressureKpa} kPa",
                    new { position, kpa = pressure.Value, threshold = options.LowTirePressureKpa });
            }
            else if (notified && pressure.Value >= options.LowTirePressureKpa + options.TirePressureHysteresisKpa)
            {
                twin.LowTiresNotified.Remove(position);
            }
        }
    }

    private static int Rank(string? severity) => severity?.ToUpperInvariant() switch
    {
        "LOW" => 1,
        "MEDIUM" => 2,
        "HIGH" => 3,
        "CRITICAL" => 4,
        _ => 0,
    };

    /// <summary>The id is a hash of what the notification is about, so the same change always has the same id.</summary>
    /// <summary>
    /// <c>identity-changed</c>: <paramref name="alias"/> moved from one twin to another (or was unlinked), raised on the
    /// twin <paramref name="twinId"/>, which is one of the two.
    /// </summary>
    public static Notification IdentityChanged(string twinId, string alias, string? fromTwin, string? toTwin, string? deliveryId, DateTimeOffset at) =>
        Create(twinId, "identity-changed", at,
            toTwin is null ? $"{alias} was unlinked from {fromTwin}" : $"{alias} moved from {fromTwin ?? "nobody"} to {toTwin}",
            new { alias, fromTwin, toTwin, deliveryId });

    internal static Notification Create(string twinId, string type, DateTimeOffset at, string reason, object data)
    {
        var json = JsonSerializer.Serialize(data, JsonSerializerOptions.Web);
        var id = "ntf_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{twinId}|{type}|{at.UtcTicks}|{json}")))[..24];
        return new Notification(id, type, twinId, at, reason, json);
    }
}
