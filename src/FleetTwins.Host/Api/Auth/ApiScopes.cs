namespace FleetTwins.Host.Api;

/// <summary>What an API key may do; each is also the name of the authorization policy that requires it.</summary>
public static class ApiScopes
{
    /// <summary>Read twins, search, watch.</summary>
    public const string Read = "read";

    /// <summary>Send commands and steer twins (charging target, thresholds).</summary>
    public const string Command = "command";

    /// <summary>Register twins, parked messages, the Orleans dashboard.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Read, Command, Admin];

    /// <summary>The claim type a granted scope is carried in.</summary>
    public const string ClaimType = "scope";
}
