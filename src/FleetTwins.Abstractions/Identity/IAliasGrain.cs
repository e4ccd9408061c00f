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

    /// <summary>Points the alias at <paramref name="twinId"/> unless it already points elsewhere; answers the owner (first claim wins).</summary>
    [Alias("Claim")]
    Task<string> ClaimAsync(string twinId);

    /// <summary>
    /// Moves the alias from <paramref name="fromTwinId"/> (or from nobody) to <paramref name="toTwinId"/>, after a merge or
    /// once the old owner has released it; answers the owner, which is someone else when the alias moved meanwhile.
    /// </summary>
    [Alias("Repoint")]
    Task<string?> RepointAsync(string fromTwinId, string toTwinId);

    /// <summary>Unbinds the alias if <paramref name="twinId"/> owns it (an operator's unlink); answers whether it did.</summary>
    [Alias("Unbind")]
    Task<bool> UnbindAsync(string twinId);
}
