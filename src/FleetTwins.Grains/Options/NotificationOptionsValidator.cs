using Microsoft.Extensions.Options;

namespace FleetTwins.Grains.Options;

/// <summary>Refuses thresholds the notification rules cannot mean.</summary>
public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var failures = new List<string>();
        void Require(bool valid, string setting, object value, string rule)
        {
            if (!valid)
            {
                failures.Add($"{NotificationOptions.Section}:{setting} {value} {rule}");
            }
        }

        Require(options.LowSocPercent is >= 0 and <= 100, nameof(options.LowSocPercent), options.LowSocPercent, "must be between 0 and 100");
        Require(options.SocHysteresisPercent is >= 0 and <= 100, nameof(options.SocHysteresisPercent), options.SocHysteresisPercent, "must be between 0 and 100");
        Require(options.LowTirePressureKpa >= 0, nameof(options.LowTirePressureKpa), options.LowTirePressureKpa, "must not be negative");
        Require(options.TirePressureHysteresisKpa >= 0, nameof(options.TirePressureHysteresisKpa), options.TirePressureHysteresisKpa, "must not be negative");
        Require(options.OfflineDwell >= TimeSpan.Zero, nameof(options.OfflineDwell), options.OfflineDwell, "must not be negative");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
