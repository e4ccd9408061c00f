namespace FleetTwins.Abstractions.Vehicles;

/// <summary>
/// What the fleet's operators say about a vehicle (<c>PATCH /api/vehicles/{id}</c>, the registry import): kept apart
/// from what providers report (<see cref="MasterData"/>), so neither overwrites the other. <see cref="At"/>: the last change.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.OperatorMasterData")]
public sealed record OperatorMasterData(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Plate,
    [property: Id(2)] string? Group,
    [property: Id(3)] IReadOnlyList<string> Tags,
    [property: Id(4)] double? BatteryCapacityKwh,
    [property: Id(5)] string? Notes,
    [property: Id(6)] DateTimeOffset At)
{
    /// <summary>Nothing is set (every member cleared): the twin then holds no operator master data.</summary>
    public bool IsEmpty => Name is null && Plate is null && Group is null && Tags.Count == 0 && BatteryCapacityKwh is null && Notes is null;

    /// <summary>The same values (times aside), tags compared in order.</summary>
    public bool SameValues(OperatorMasterData? other) =>
        other is not null && (Name, Plate, Group, BatteryCapacityKwh, Notes) == (other.Name, other.Plate, other.Group, other.BatteryCapacityKwh, other.Notes)
        && Tags.SequenceEqual(other.Tags, StringComparer.Ordinal);
}

/// <summary>The members of operator master data, as a patch names them.</summary>
[Flags]
public enum MasterDataMembers
{
    None = 0,
    Name = 1,
    Plate = 2,
    Group = 4,
    Tags = 8,
    BatteryCapacityKwh = 16,
    Notes = 32,
}

/// <summary>
/// A change of operator master data in JSON merge-patch style (RFC 7396): the members in <see cref="Present"/> are set to
/// their value here (null clears), the others keep theirs. Values are already valid and canonical (tags distinct, sorted).
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.MasterDataPatch")]
public sealed record MasterDataPatch(
    [property: Id(0)] MasterDataMembers Present,
    [property: Id(1)] string? Name = null,
    [property: Id(2)] string? Plate = null,
    [property: Id(3)] string? Group = null,
    [property: Id(4)] IReadOnlyList<string>? Tags = null,
    [property: Id(5)] double? BatteryCapacityKwh = null,
    [property: Id(6)] string? Notes = null)
{
    /// <summary>The master data after this patch, pure; null when nothing is left set.</summary>
    public OperatorMasterData? ApplyTo(OperatorMasterData? current, DateTimeOffset at)
    {
        T? Pick<T>(MasterDataMembers member, T? patched, T? kept) => Present.HasFlag(member) ? patched : kept;
        var next = new OperatorMasterData(
            Pick(MasterDataMembers.Name, Name, current?.Name),
            Pick(MasterDataMembers.Plate, Plate, current?.Plate),
            Pick(MasterDataMembers.Group, Group, current?.Group),
            Pick(MasterDataMembers.Tags, Tags, current?.Tags) ?? [],
            Present.HasFlag(MasterDataMembers.BatteryCapacityKwh) ? BatteryCapacityKwh : current?.BatteryCapacityKwh,
            Pick(MasterDataMembers.Notes, Notes, current?.Notes),
            at);
        return next.IsEmpty ? null : next;
    }

    /// <summary>Whether applying this patch to <paramref name="current"/> changes any value.</summary>
    public bool Changes(OperatorMasterData? current)
    {
        var next = ApplyTo(current, default);
        return next is null ? current is not null : !next.SameValues(current);
    }

    /// <summary>The members this patch sets and their values, one line, for history (<c>plate=B-FT 123; tags=depot-a,night; notes=null</c>).</summary>
    public string Describe()
    {
        var parts = new List<string>();
        void Add(MasterDataMembers member, string name, string? value)
        {
            if (Present.HasFlag(member))
            {
                parts.Add($"{name}={value ?? "null"}");
            }
        }

        Add(MasterDataMembers.Name, "name", Name);
        Add(MasterDataMembers.Plate, "plate", Plate);
        Add(MasterDataMembers.Group, "group", Group);
        Add(MasterDataMembers.Tags, "tags", Tags is null ? null : string.Join(',', Tags));
        Add(MasterDataMembers.BatteryCapacityKwh, "batteryCapacityKwh",
            BatteryCapacityKwh?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(MasterDataMembers.Notes, "notes", Notes);
        return string.Join("; ", parts);
    }
}
