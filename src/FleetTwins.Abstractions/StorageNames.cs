namespace FleetTwins.Abstractions;

/// <summary>Names of the Orleans storage providers that FleetTwins grains persist to.</summary>
public static class StorageNames
{
    /// <summary>Grain storage for every twin's state (vehicles, chargers, alerts, accounts, aliases).</summary>
    /// <remarks>
    /// Orleans keys stored state by state name and grain key, not by grain type: every grain type must use a
    /// state name of its own (<c>[PersistentState("vehicle", StorageNames.Twins)]</c>), and never rename it.
    /// </remarks>
    public const string Twins = "twins";
}
