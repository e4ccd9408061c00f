namespace FleetTwins.Grains.Vehicles;

/// <summary>Merging a twin of the same vehicle into this one: per reading and per keyed entry, the newer one wins.</summary>
public sealed partial class VehicleTwinState
{
    /// <summary>
    /// Takes in a twin of the same vehicle: per reading and per keyed entry, the newer one wins; commands and
    /// notifications of both are kept (the newest, within the bounds).
    /// </summary>
    public void Absorb(VehicleTwinState other)
    {
        Vin ??= other.Vin;
        foreach (var alias in other.Aliases)
        {
            AddAlias(alias);
        }

        StateOfCharge = Newest(StateOfCharge, other.StateOfCharge, r => r.At);
        EnergyRemaining = Newest(EnergyRemaining, other.EnergyRemaining, r => r.At);
        Range = Newest(Range, other.Range, r => r.At);
        Odometer = Newest(Odometer, other.Odometer, r => r.At);
        Location = Newest(Location, other.Location, r => r.At);
        Motion = Newest(Motion, other.Motion, r => r.At);
        Charging = Newest(Charging, other.Charging, r => r.At);
        Plug = Newest(Plug, other.Plug, r => r.At);
        ChargingTarget = Newest(ChargingTarget, other.ChargingTarget, r => r.At);
        ChargingDetails = Newest(ChargingDetails, other.ChargingDetails, r => r.At);
        DepartureTimes = Newest(DepartureTimes, other.DepartureTimes, r => r.At);
        Connectivity = Newest(Connectivity, other.Connectivity, r => r.At);
        Rental = Newest(Rental, other.Rental, r => r.At);
        MasterData = Newest(MasterData, other.MasterData, r => r.At);
        OperatorMasterData = Newest(OperatorMasterData, other.OperatorMasterData, r => r.At);
        CurrentTrip = Newest(CurrentTrip, other.CurrentTrip, r => r.StartedAt);
        MergeNewest(Tires, other.Tires, r => r.At);
        MergeNewest(OemAlerts, other.OemAlerts, r => r.At);
        MergeNewest(CustomAlerts, other.CustomAlerts, r => r.At);
        MergeNewest(Geofences, other.Geofences, r => r.At);
        MergeNewest(Status, other.Status, r => r.At);
        Commands = [.. Commands.Concat(other.Commands).DistinctBy(c => c.Id).OrderByDescending(c => c.CreatedAt).Take(CommandLifecycle.Retained)];
        RememberedCommands = [.. RememberedCommands.Concat(other.RememberedCommands).DistinctBy(c => c.Id).OrderByDescending(c => c.CreatedAt)
            .Take(CommandLifecycle.RememberedCapacity)];
        Dispatches = [.. Dispatches.Concat(other.Dispatches).DistinctBy(d => (d.CommandId, d.Channel))];
        Notifications = [.. Notifications.Concat(other.Notifications).DistinctBy(n => n.Id).OrderByDescending(n => n.At).Take(NotificationsRetained)];
        AliasHistory = [.. AliasHistory.Concat(other.AliasHistory).Distinct().OrderByDescending(c => c.At).Take(AliasHistoryRetained)];
        Alarms = [.. Alarms.Union(other.Alarms).OrderByDescending(a => a.At).Take(HistoryLength)];
        Trips = [.. Trips.Concat(other.Trips).GroupBy(t => (t.Id, t.Source)).Select(g => g.First())
            .OrderByDescending(t => t.StartedAt).Take(HistoryLength)];
        CommandReports = [.. CommandReports.Concat(other.CommandReports).GroupBy(r => (r.ProviderCommandId ?? r.At.ToString("O"), r.Source))
            .Select(g => g.MaxBy(r => r.At)!).OrderByDescending(r => r.At).Take(HistoryLength)];
        LastSeenAt = Newest(LastSeenAt, other.LastSeenAt, t => t!.Value);
        if (other.CreatedAt < CreatedAt)
        {
            CreatedAt = other.CreatedAt;
        }

        Deliveries.AddAll(other.Deliveries);
    }

    private static T? Newest<T>(T? mine, T? theirs, Func<T, DateTimeOffset> at) =>
        mine is null ? theirs : theirs is null ? mine : at(theirs) > at(mine) ? theirs : mine;

    private static void MergeNewest<T>(Dictionary<string, T> mine, Dictionary<string, T> theirs, Func<T, DateTimeOffset> at)
    {
        foreach (var (key, value) in theirs)
        {
            if (!mine.TryGetValue(key, out var current) || at(value) > at(current))
            {
                mine[key] = value;
            }
        }
    }
}
