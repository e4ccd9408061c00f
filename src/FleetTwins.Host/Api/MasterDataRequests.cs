using System.Globalization;
using System.Text.Json;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Host.Api;

/// <summary>
/// What operators may say about a vehicle, checked the same way for <c>PATCH /api/vehicles/{id}</c> and the registry
/// import: a JSON merge patch (RFC 7396) of <see cref="Members"/>, each set when present (null clears), kept when absent.
/// </summary>
public static class MasterDataRequests
{
    public const int MaxNameLength = 100;
    public const int MaxPlateLength = 20;
    public const int MaxGroupLength = 64;
    public const int MaxNotesLength = 2000;
    public const int MaxTags = 20;
    public const int MaxTagLength = 64;
    public const double MaxBatteryCapacityKwh = 1000;

    /// <summary>The members a patch may name, as the API spells them.</summary>
    public static readonly IReadOnlyList<string> Members = ["name", "plate", "group", "tags", "batteryCapacityKwh", "notes"];

    /// <summary>The body of <c>PATCH /api/vehicles/{id}</c> as the OpenAPI document shows it; every member optional, null clears.</summary>
    public sealed record MasterDataRequest(string? Name, string? Plate, string? Group, IReadOnlyList<string>? Tags, double? BatteryCapacityKwh, string? Notes);

    /// <summary>The patch <paramref name="body"/> states, or the member it is wrong about and why (the why starts with the member).</summary>
    public static (MasterDataPatch? Patch, string? Member, string? Error) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, "body", $"body: a JSON object of {string.Join(", ", Members)} (each optional; null clears)");
        }

        var patch = new MasterDataPatch(MasterDataMembers.None);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            var member = property.Name;
            if (!seen.Add(member))
            {
                return (null, member, $"{member}: given twice");
            }

            var (next, error) = member switch
            {
                "name" => Text(patch, MasterDataMembers.Name, member, property.Value, MaxNameLength, null, (p, v) => p with { Name = v }),
                "plate" => Text(patch, MasterDataMembers.Plate, member, property.Value, MaxPlateLength, IsPlate, (p, v) => p with { Plate = v }),
                "group" => Text(patch, MasterDataMembers.Group, member, property.Value, MaxGroupLength, null, (p, v) => p with { Group = v }),
                "notes" => Text(patch, MasterDataMembers.Notes, member, property.Value, MaxNotesLength, null, (p, v) => p with { Notes = v }),
                "tags" => Tags(patch, property.Value),
                "batteryCapacityKwh" => Capacity(patch, property.Value),
                _ => (null, $"{Shown(member)}: not a member of a vehicle's master data; members are {string.Join(", ", Members)}"),
            };
            if (next is null)
            {
                return (null, member, error);
            }

            patch = next;
        }

        return (patch, null, null);
    }

    /// <summary>
    /// The patch of a registry row: its members that are set (an import never clears what is not in the row); null with
    /// no error when the row sets none.
    /// </summary>
    public static (MasterDataPatch? Patch, string? Error) FromRow(VehicleRegistrations.RegistryRow row)
    {
        var members = new Dictionary<string, object?>(StringComparer.Ordinal);
        void Add(string member, object? value)
        {
            if (value is not null)
            {
                members[member] = value;
            }
        }

        Add("name", row.Name);
        Add("plate", row.Plate);
        Add("group", row.Group);
        Add("tags", row.Tags is { Count: > 0 } ? row.Tags : null); // no tags in a row is not "clear the tags"
        Add("batteryCapacityKwh", row.BatteryCapacityKwh);
        Add("notes", row.Notes);
        if (members.Count == 0)
        {
            return (null, null);
        }

        var (patch, _, error) = Parse(JsonSerializer.SerializeToElement(members));
        return (patch, error);
    }

    /// <summary>A plate: letters, digits, spaces, '-' and '.', with a letter or digit first and last.</summary>
    private static bool IsPlate(string plate) =>
        char.IsLetterOrDigit(plate[0]) && char.IsLetterOrDigit(plate[^1]) && plate.All(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '.');

    private static (MasterDataPatch?, string?) Text(MasterDataPatch patch, MasterDataMembers flag, string member, JsonElement value, int maxLength,
        Func<string, bool>? shape, Func<MasterDataPatch, string?, MasterDataPatch> set)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return (set(patch, null) with { Present = patch.Present | flag }, null);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return (null, $"{member}: a string, or null to clear it");
        }

        if (StrictJson.Problem(value, member) is { } problem)
        {
            return (null, problem);
        }

        var text = value.GetString()!.Trim();
        if (text.Length == 0)
        {
            return (null, $"{member}: empty; null clears it");
        }

        if (text.Length > maxLength)
        {
            return (null, $"{member}: at most {maxLength} characters ({text.Length} given)");
        }

        if (shape is not null && !shape(text))
        {
            return (null, $"{member}: letters, digits, spaces, '-' and '.', starting and ending with a letter or digit ('{text}' given)");
        }

        return (set(patch, text) with { Present = patch.Present | flag }, null);
    }

    private static (MasterDataPatch?, string?) Tags(MasterDataPatch patch, JsonElement value)
    {
        var present = patch.Present | MasterDataMembers.Tags;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return (patch with { Present = present, Tags = [] }, null);
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            return (null, "tags: an array of tags, or null to clear them");
        }

        if (value.GetArrayLength() > MaxTags)
        {
            return (null, $"tags: at most {MaxTags} ({value.GetArrayLength()} given)");
        }

        var tags = new SortedSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var tag = item.ValueKind == JsonValueKind.String && StrictJson.Problem(item, "tag") is null ? item.GetString()! : null;
            if (tag is null || tag.Length is 0 or > MaxTagLength || !tag.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return (null, $"tags[{index}]: a tag is 1 to {MaxTagLength} letters, digits, '-', '_' or '.' ({Shown(item.ToString())} given)");
            }

            tags.Add(tag);
            index++;
        }

        // Distinct and in ordinal order: a set, compared and shown the same way everywhere.
        return (patch with { Present = present, Tags = [.. tags] }, null);
    }

    private static (MasterDataPatch?, string?) Capacity(MasterDataPatch patch, JsonElement value)
    {
        var present = patch.Present | MasterDataMembers.BatteryCapacityKwh;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return (patch with { Present = present, BatteryCapacityKwh = null }, null);
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var kwh) || !double.IsFinite(kwh) || kwh is <= 0 or > MaxBatteryCapacityKwh)
        {
            return (null, $"batteryCapacityKwh: a number of kWh above 0 and at most {MaxBatteryCapacityKwh.ToString(CultureInfo.InvariantCulture)}, or null to clear it");
        }

        return (patch with { Present = present, BatteryCapacityKwh = kwh }, null);
    }

    /// <summary>Text from the request, cut short and without control characters, to quote in an error.</summary>
    private static string Shown(string text)
    {
        var clean = new string([.. text.Take(40).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c)]);
        return text.Length > 40 ? clean + "..." : clean;
    }
}
