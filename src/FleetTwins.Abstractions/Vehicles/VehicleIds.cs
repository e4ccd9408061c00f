using System.Buffers;

namespace FleetTwins.Vehicles;

/// <summary>The rules a twin id and a VIN must satisfy before they reach a grain.</summary>
public static class VehicleIds
{
    /// <summary>Longest twin id accepted.</summary>
    public const int MaxLength = 128;

    private static readonly SearchValues<char> IdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    private static readonly SearchValues<char> VinCharacters =
        SearchValues.Create("ABCDEFGHJKLMNPRSTUVWXYZ0123456789");

    /// <summary>True for 1 to 128 characters of letters, digits and <c>- _ . :</c>.</summary>
    public static bool IsValidTwinId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && !id.AsSpan().ContainsAnyExcept(IdCharacters);

    /// <summary>True for a 17-character VIN (ISO 3779: digits and capitals without I, O and Q).</summary>
    public static bool IsValidVin(string? vin) =>
        vin is { Length: 17 } && !vin.AsSpan().ContainsAnyExcept(VinCharacters);

    /// <summary>Upper-cases and trims a VIN as providers send it in mixed case.</summary>
    public static string NormalizeVin(string vin) => vin.Trim().ToUpperInvariant();
}
