namespace FleetTwins.Grains.Identity;

/// <summary>
/// A delivery's identifiers moved between twins on every attempt to deliver it (concurrent moves or links): a failure
/// that passes, so the provider delivers again.
/// </summary>
public sealed class IdentityUnsettledException(string message) : Exception(message);
