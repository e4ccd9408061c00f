using FleetTwins.Vehicles;

namespace FleetTwins.Grains.Vehicles;

/// <summary>The persisted state of one vehicle twin.</summary>
[GenerateSerializer]
public sealed class VehicleTwinState
{
    [Id(0)] public string? Vin { get; set; }
    [Id(1)] public List<string> Aliases { get; set; } = [];
    [Id(2)] public bool Online { get; set; }
    [Id(3)] public DateTimeOffset? LastSeenAt { get; set; }
    [Id(4)] public ChargingTarget? ChargingTarget { get; set; }
    [Id(5)] public DateTimeOffset? CreatedAt { get; set; }
    [Id(6)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Incremented on every change; serves as the twin's ETag.</summary>
    [Id(7)] public long Version { get; set; }

    /// <summary>False until the twin was first registered or seen.</summary>
    public bool Exists => CreatedAt is not null;

    /// <summary>Records that the state changed at <paramref name="now"/>.</summary>
    public void Touch(DateTimeOffset now)
    {
        CreatedAt ??= now;
        UpdatedAt = now;
        Version++;
    }

    /// <summary>Adds an alias such as <c>vin:WBY...</c> once.</summary>
    public void AddAlias(string alias)
    {
        if (!Aliases.Contains(alias, StringComparer.Ordinal))
        {
            Aliases.Add(alias);
        }
    }

    /// <summary>The snapshot the query APIs serve.</summary>
    public VehicleTwin ToSnapshot(string id) => new(
        id, Vin, [.. Aliases], Online, LastSeenAt, ChargingTarget,
        CreatedAt ?? default, UpdatedAt, Version);
}
