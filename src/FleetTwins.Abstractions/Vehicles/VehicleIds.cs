using System.Buffers;

namespace FleetTwins.Abstractions.Vehicles;

/// <summary>The rules a twin id and a VIN must satisfy before they reach a grain.</summary>
public static class VehicleIds
{
    /// <summary>Longest twin id accepted.</summary>
    public const int MaxLength = 128;

    private static readonly SearchValues<char> IdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    private static readonly SearchValues<char> VinCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    /// <summary>True for 1 to 128 characters of letters, digits and <c>- _ . :</c>.</summary>
    public static bool IsValidTwinId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && !id.AsSpan().ContainsAnyExcept(IdCharacters);

    /// <summary>
    /// True for 17 digits and capital letters. ISO 3779 excludes I, O and Q, but providers' own examples carry
    /// them (Telematica's sample VIN has a Q), so they are accepted rather than losing the vehicle's identity.
    /// </summary>
    public static bool IsValidVin(string? vin) =>
        vin is { Length: 17 } && !vin.AsSpan().ContainsAnyExcept(VinCharacters);

    /// <summary>Upper-cases and trims a VIN as providers send it in mixed case.</summary>
    public static string NormalizeVin(string vin) => vin.Trim().ToUpperInvariant();

    /// <summary>The kinds of alias an operator may bind, as <c>kind:id</c>; <c>vin:</c> is the VIN's own.</summary>
    public static readonly IReadOnlyList<string> AliasKinds = ["vin", "imei", "invers", "volteras", "telematica"];

    /// <summary>
    /// An alias in its canonical form (kind in lower case, a VIN upper-cased and trimmed), or null when it is not
    /// <c>kind:id</c> with a known kind and an id of letters, digits and <c>- _ . :</c> (at most 128 characters in all).
    /// </summary>
    public static string? NormalizeAlias(string? alias)
    {
        if (alias is null || alias.IndexOf(':') is var colon && colon <= 0)
        {
            return null;
        }

        var kind = alias[..colon].Trim().ToLowerInvariant();
        var id = alias[(colon + 1)..].Trim();
        if (!AliasKinds.Contains(kind))
        {
            return null;
        }

        if (kind == "vin")
        {
            id = NormalizeVin(id);
            return IsValidVin(id) ? $"vin:{id}" : null;
        }

        var normalized = $"{kind}:{id}";
        return id.Length > 0 && IsValidTwinId(normalized) ? normalized : null;
    }
}
