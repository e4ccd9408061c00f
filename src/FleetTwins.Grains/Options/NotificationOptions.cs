using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Grains.Options;

/// <summary>The <c>Notifications</c> configuration section: the thresholds of the twin's rules.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>low-soc fires when the state of charge falls below this (percent).</summary>
    public double LowSocPercent { get; set; } = 20;

    /// <summary>How far a SOC must move back past a threshold before the same notification can fire again (percent).</summary>
    public double SocHysteresisPercent { get; set; } = 2;

    /// <summary>low-tire-pressure fires when a tire falls below this (kPa).</summary>
    public double LowTirePressureKpa { get; set; } = 200;

    /// <summary>How far a tire must recover above the threshold before it can fire again (kPa).</summary>
    public double TirePressureHysteresisKpa { get; set; } = 10;

    /// <summary>How long a vehicle must stay disconnected before vehicle-offline fires (a shorter flap raises nothing).</summary>
    public TimeSpan OfflineDwell { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>These options with one vehicle's overrides applied.</summary>
    public NotificationOptions For(NotificationThresholds? overrides) => overrides is null ? this : new NotificationOptions
    {
        LowSocPercent = overrides.LowSocPercent ?? LowSocPercent,
        SocHysteresisPercent = SocHysteresisPercent,
        LowTirePressureKpa = overrides.LowTirePressureKpa ?? LowTirePressureKpa,
        TirePressureHysteresisKpa = TirePressureHysteresisKpa,
        OfflineDwell = overrides.OfflineDwellMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : OfflineDwell,
    };
}
