using Microsoft.Extensions.Options;

namespace FleetTwins.Search.Filters;

/// <summary>Refuses a time zone this machine does not know, at start-up rather than at the first rule.</summary>
public sealed class FilterTimeZoneOptionsValidator : IValidateOptions<FilterTimeZoneOptions>
{
    public ValidateOptionsResult Validate(string? name, FilterTimeZoneOptions options) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone ?? "", out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Rules:TimeZone '{options.TimeZone}' is not a time zone id this machine knows; use an IANA id such as Europe/Berlin (default UTC)");
}
