namespace FleetTwins.Abstractions.Identity;

/// <summary>
/// One entry of the alias index, keyed by an identifier such as <c>vin:WBY...</c>, <c>imei:3506...</c>,
/// <c>volteras:h283d-...</c> or <c>telematica:6425...</c>: the twin that identifier belongs to.
/// </summary>
[Alias("ft.IAliasGrain")]
public interface IAliasGrain : IGrainWithStringKey
{
    /// <summary>The twin id this alias points at, or null when it is unknown.</summary>
    [Alias("GetTwinId")]
    Task<string?> GetTwinIdAsync();

    /// <summary>Points the alias at <paramref name="twinId"/> unless it already points elsewhere; answers the owner.</summary>
    [Alias("Claim")]
    Task<string> ClaimAsync(string twinId);

    /// <summary>Moves the alias from <paramref name="fromTwinId"/> to <paramref name="toTwinId"/> (after a merge); answers the owner.</summary>
    [Alias("Repoint")]
    Task<string?> RepointAsync(string fromTwinId, string toTwinId);
}
