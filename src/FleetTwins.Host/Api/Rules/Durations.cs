using System.Globalization;

namespace FleetTwins.Host.Api.Rules;

/// <summary>
/// Durations as the API writes them (rules, geofences): a whole number and one unit, <c>30s</c>, <c>10m</c>, <c>2h</c>,
/// <c>1d</c>. A leading minus is read, so that the caller can say the duration is negative rather than unreadable.
/// </summary>
public static class Durations
{
    public const string Form = "a whole number and a unit: 30s, 10m, 2h or 1d";

    /// <summary>The duration <paramref name="text"/> writes; false when it is not one.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > 12
            || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }

        TimeSpan? unit = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => null,
        };
        if (unit is null || Math.Abs(count) > TimeSpan.MaxValue.Ticks / unit.Value.Ticks)
        {
            return false;
        }

        value = unit.Value * count;
        return true;
    }

    /// <summary>Writes <paramref name="value"/> in the largest unit that divides it.</summary>
    public static string Format(TimeSpan value) => value switch
    {
        { Ticks: 0 } => "0s",
        _ when value.Ticks % TimeSpan.TicksPerDay == 0 => $"{value.Ticks / TimeSpan.TicksPerDay}d",
        _ when value.Ticks % TimeSpan.TicksPerHour == 0 => $"{value.Ticks / TimeSpan.TicksPerHour}h",
        _ when value.Ticks % TimeSpan.TicksPerMinute == 0 => $"{value.Ticks / TimeSpan.TicksPerMinute}m",
        _ => $"{value.Ticks / TimeSpan.TicksPerSecond}s",
    };
}
