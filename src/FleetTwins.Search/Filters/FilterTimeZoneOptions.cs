namespace FleetTwins.Search.Filters;

/// <summary>The zone of <c>localTime</c> and <c>weekday</c> in filters (the host binds <c>Rules:TimeZone</c>).</summary>
public sealed class FilterTimeZoneOptions
{
    public const string Section = "Rules";

    /// <summary>An IANA time zone id such as <c>Europe/Berlin</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The context to parse search filters (<paramref name="forRules"/> false) or rule filters in.</summary>
    public FilterContext Context(bool forRules = false) => new(TimeZoneInfo.FindSystemTimeZoneById(TimeZone), forRules);
}
