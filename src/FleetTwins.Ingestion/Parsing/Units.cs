namespace FleetTwins.Ingestion.Parsing;

/// <summary>Conversions into the units the contract names (km, kPa, km/h).</summary>
public static class Units
{
    public const double KilometresPerMile = 1.609344;

    /// <summary>A distance in km from a value in <paramref name="unit"/> (km, m, mi/miles; none means km).</summary>
    public static double Kilometres(double value, string? unit, string field) => unit?.Trim().ToLowerInvariant() switch
    {
        null or "" or "km" or "kilometers" or "kilometres" => value,
        "m" or "meters" or "metres" => value / 1000,
        "mi" or "mile" or "miles" => value * KilometresPerMile,
        _ => throw new PayloadException($"{field} '{unit}' is not a distance unit (km, m or mi)."),
    };

    /// <summary>A pressure in kPa from a value in <paramref name="unit"/> (kPa, bar, psi; none means kPa).</summary>
    public static double Kilopascals(double value, string? unit, string field) => unit?.Trim().ToLowerInvariant() switch
    {
        null or "" or "kpa" => value,
        "bar" => value * 100,
        "psi" => value * 6.894757,
        _ => throw new PayloadException($"{field} '{unit}' is not a pressure unit (kPa, bar or psi)."),
    };

    /// <summary>A speed in km/h from a value in <paramref name="unit"/> (km/h, m/s, mph; none means km/h).</summary>
    public static double KilometresPerHour(double value, string? unit, string field) => unit?.Trim().ToLowerInvariant() switch
    {
        null or "" or "kph" or "km/h" or "kmh" => value,
        "m/s" or "mps" => value * 3.6,
        "mph" => value * KilometresPerMile,
        _ => throw new PayloadException($"{field} '{unit}' is not a speed unit (km/h, m/s or mph)."),
    };

    /// <summary>Energy in kWh (kWh or Wh; none means kWh).</summary>
    public static double KilowattHours(double value, string? unit, string field) => unit?.Trim().ToLowerInvariant() switch
    {
        null or "" or "kwh" => value,
        "wh" => value / 1000,
        _ => throw new PayloadException($"{field} '{unit}' is not an energy unit (kWh or Wh)."),
    };
}
