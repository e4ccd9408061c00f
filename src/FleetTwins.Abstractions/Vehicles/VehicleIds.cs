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
}
