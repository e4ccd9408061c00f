namespace FleetTwins.Search.Filters;

/// <summary>
/// What a filter is parsed in: the zone <c>localTime</c> and <c>weekday</c> read "now" in, and whether
/// <c>changed(field)</c> may be used (rules, which compare against the twin's previous state; search has none).
/// </summary>
public sealed record FilterContext(TimeZoneInfo Zone, bool AllowsChanged = false)
{
    /// <summary>Search in UTC.</summary>
    public static readonly FilterContext Default = new(TimeZoneInfo.Utc);
}
