using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Grains.Vehicles;

/// <summary>The views of a vehicle twin's state: the twin the query APIs serve, and the summary row fleet search sees.</summary>
public sealed partial class VehicleTwinState
{
    /// <summary>The snapshot the query APIs serve.</summary>
    public VehicleTwin ToSnapshot(string id) => new()
    {
        Id = id,
        Vin = Vin,
        Aliases = [.. Aliases],
        Online = Connectivity?.Online ?? false,
        Connectivity = Connectivity,
        LastSeenAt = LastSeenAt,
        StateOfCharge = StateOfCharge,
        EnergyRemaining = EnergyRemaining,
        Range = Range,
        Odometer = Odometer,
        Location = Location,
        Motion = Motion,
        Charging = Charging,
        Plug = Plug,
        ChargingTarget = ChargingTarget,
        ChargingDetails = ChargingDetails,
        DepartureTimes = DepartureTimes,
        Tires = new Dictionary<string, Measurement>(Tires),
        OemAlerts = [.. OemAlerts.Values.OrderByDescending(a => a.At)],
        ActiveAlerts = [.. ActiveAlerts()],
        Geofences = [.. Geofences.Values.Where(g => g.Inside).OrderBy(g => g.Name, StringComparer.Ordinal)],
        Alarms = [.. Alarms],
        Trips = [.. Trips],
        CurrentTrip = CurrentTrip,
        Rental = Rental,
        MasterData = MasterDataView(),
        CommandReports = [.. CommandReports],
        Status = new Dictionary<string, StatusReading>(Status),
        NotificationThresholds = Thresholds,
        AliasHistory = [.. AliasHistory],
        CreatedAt = CreatedAt ?? default,
        UpdatedAt = UpdatedAt,
        Version = Version,
    };

    /// <summary>The flat row fleet search and the fleet-wide watch see.</summary>
    public VehicleSummary ToSummary(string id)
    {
        var online = Connectivity?.Online ?? false;
        // Counted where they are, not through ActiveAlerts(): that sorts and copies every alert, and a twin under rules
        // builds this row two or three times per delivery.
        var (alerts, high) = (0, 0);
        foreach (var alert in OemAlerts.Values)
        {
            if (alert.Active)
            {
                Count(alert.Severity, ref alerts, ref high);
            }
        }

        foreach (var alert in CustomAlerts.Values)
        {
            if (alert.Kind == "custom")
            {
                Count(alert.Severity, ref alerts, ref high);
            }
        }

        foreach (var track in RuleTracks.Values)
        {
            if (track.Alert is { Open: true } alert)
            {
                Count(alert.Severity, ref alerts, ref high);
            }
        }

        return new()
        {
            Id = id,
            Version = Version,
            Vin = Vin,
            Make = MasterData?.Make,
            Model = MasterData?.Model,
            // The operators' values first; a provider's nickname and registration stand in where operators set none.
            Name = OperatorMasterData?.Name ?? MasterData?.Nickname,
            Plate = OperatorMasterData?.Plate ?? MasterData?.Registration,
            Group = OperatorMasterData?.Group,
            Tags = OperatorMasterData?.Tags ?? [],
            Online = online,
            LastSeenAt = VehicleSummary.Micros(LastSeenAt),
            OfflineSince = online ? null : VehicleSummary.Micros(Connectivity?.At ?? LastSeenAt ?? CreatedAt),
            Soc = StateOfCharge?.Value,
            Charging = Charging?.State,
            Plug = Plug?.State,
            Latitude = Location?.Latitude,
            Longitude = Location?.Longitude,
            Odometer = Odometer?.Value,
            Range = Range?.Value,
            Rental = Rental?.InRental ?? false,
            Alerts = alerts,
            HighAlerts = high,
            Geofences = Geofencing.Inside,
            UpdatedAt = VehicleSummary.Micros(UpdatedAt),
        };
    }

    private static void Count(string? severity, ref int alerts, ref int high)
    {
        alerts++;
        if (severity is not null
            && (severity.Equals("HIGH", StringComparison.OrdinalIgnoreCase) || severity.Equals("CRITICAL", StringComparison.OrdinalIgnoreCase)
                || severity == "major"))
        {
            high++;
        }
    }

    /// <summary>The twin's <c>masterData</c>: the provider's reading with the operators' fields beside it; null when neither is there.</summary>
    private MasterData? MasterDataView()
    {
        if (OperatorMasterData is not { } set)
        {
            return MasterData;
        }

        var reported = MasterData ?? new MasterData(null, null, null, null, null, null, null, set.At, Sources.Api);
        return reported with
        {
            Name = set.Name,
            Plate = set.Plate,
            Group = set.Group,
            Tags = set.Tags,
            BatteryCapacityKwh = set.BatteryCapacityKwh,
            Notes = set.Notes,
            SetAt = set.At,
        };
    }

    private IEnumerable<ActiveAlert> ActiveAlerts() =>
        OemAlerts.Values.Where(a => a.Active)
            .Select(a => new ActiveAlert(a.Code, "oem", a.Severity, a.MappedMessage ?? a.Message, a.At, a.Source))
            .Concat(CustomAlerts.Values.Where(a => a.Kind == "custom"))
            .Concat(RuleAlerts())
            .OrderByDescending(a => a.At);
}
