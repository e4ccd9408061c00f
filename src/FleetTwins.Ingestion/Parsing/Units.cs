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

    /// <summary>
    /// A share in percent (percent or %; none means percent). Anything else is refused rather than guessed: a
    /// <c>fraction</c> of 0.85 read as 0.85 % would be wrong, and so would be any scale we assumed.
    /// </summary>
    public static double Percent(double value, string? unit, string field) => unit?.Trim().ToLowerInvariant() switch
    {
        null or "" or "percent" or "%" => value,
        _ => throw new PayloadException($"{field} '{unit}' is not percent, the only unit of a state of charge this service takes."),
    };

    /// <summary>A duration in minutes (minutes, seconds, hours; none means minutes).</summary>
    public static double Minutes(double value, string? unit, string field) => unit?.Trim().ToLowerInvariant() switch
    {
        null or "" or "min" or "mins" or "minute" or "minutes" => value,
        "s" or "sec" or "second" or "seconds" => value / 60,
        "h" or "hour" or "hours" => value * 60,
        _ => throw new PayloadException($"{field} '{unit}' is not a duration unit (minutes, seconds or hours)."),
    };

    /// <summary>Power in kW (kW or W; none means kW).</summary>
    public static double Kilowatts(double value, string? unit, string field) => unit?.Trim().ToLowerInvariant() switch
    {
        null or "" or "kw" => value,
        "w" => value / 1000,
        _ => throw new PayloadException($"{field} '{unit}' is not a power unit (kW or W)."),
    };

    /// <summary>Current in A (amps, A; none means A).</summary>
    public static double Amperes(double value, string? unit, string field) => unit?.Trim().ToLowerInvariant() switch
    {
        null or "" or "a" or "amp" or "amps" or "ampere" or "amperes" => value,
        _ => throw new PayloadException($"{field} '{unit}' is not a current unit (amps)."),
    };

    /// <summary>An elevation in m (m, ft; none means m).</summary>
    public static double Metres(double value, string? unit, string field) => unit?.Trim().ToLowerInvariant() switch
    {
        null or "" or "m" or "meters" or "metres" => value,
        "ft" or "feet" => value * 0.3048,
        _ => throw new PayloadException($"{field} '{unit}' is not a length unit (m or ft)."),
    };

    /// <summary>An angle or coordinate in degrees (degree, degrees, deg; none means degrees).</summary>
    public static void Degrees(string? unit, string field)
    {
        if (unit?.Trim().ToLowerInvariant() is not (null or "" or "degree" or "degrees" or "deg" or "°"))
        {
            throw new PayloadException($"{field} '{unit}' is not degrees.");
        }
    }

    /// <summary>Energy in kWh (kWh or Wh; none means kWh).</summary>
    public static double KilowattHours(double value, string? unit, string field) => unit?.Trim().ToLowerInvariant() switch
    {
        null or "" or "kwh" => value,
        "wh" => value / 1000,
        _ => throw new PayloadException($"{field} '{unit}' is not an energy unit (kWh or Wh)."),
    };
}
