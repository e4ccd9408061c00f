using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Routing;

namespace FleetTwins.Ingestion.Providers.Tracker;

/// <summary>A parsed tracker push: what to route, and the content hash that identifies it across retries.</summary>
public sealed record TrackerParse(ParseOutcome Outcome, string? DeliveryId);

/// <summary>
/// Turns one GPS-tracker push (Events Push API) into canonical events, enforcing the documented validation
/// rules: IMEI of 15 ASCII digits, <c>lat,lng</c> coordinates in range, Device_Time not after Server_Time (beyond
/// a configurable clock skew), a non-empty Event. Pure: no I/O.
/// </summary>
public static class TrackerParser
{
    public const string Provider = Sources.Tracker;

    /// <summary>The event types the document lists; others are applied all the same (their location, and an alarm of their kind) and counted as unknown-type (IngestionMetrics).</summary>
    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "overspeed", "fuel_fill", "fuel_drain", "geofence_enter", "geofence_exit", "tampering", "power_cut", "sos",
    };

    /// <summary>The fields the document names; anything else a tracker sends is kept on the alarm as <c>extra</c>.</summary>
    private static readonly string[] DocumentedFields =
        ["Event", "IMEI", "Device_Time", "Server_Time", "Coordinates", "Changes", "Geofence_Name", "Location"];

    /// <param name="body">The push.</param>
    /// <param name="maxClockSkew">How far Device_Time may be ahead of Server_Time.</param>
    /// <param name="limit">This host's clock: a Device_Time further ahead of it than the allowed skew is refused.</param>
    public static TrackerParse Parse(ReadOnlyMemory<byte> body, TimeSpan maxClockSkew, FutureLimit limit)
    {
        try
        {
            using var document = Json.ParseObject(body);
            var root = document.RootElement;
            var kind = root.OptionalString("Event")?.Trim();
            if (string.IsNullOrEmpty(kind))
            {
                throw new PayloadException("Event is required and cannot be empty.");
            }

            var imei = root.RequiredString("IMEI");
            if (imei.Length != 15 || !imei.All(char.IsAsciiDigit))
            {
                throw new PayloadException("IMEI must be numeric and 15 digits.");
            }

            var deviceTime = root.RequiredTimestamp("Device_Time");
            var serverTime = root.RequiredTimestamp("Server_Time");
            if (deviceTime > serverTime + maxClockSkew)
            {
                throw new PayloadException("Device_Time must not be after Server_Time.");
            }

            var (latitude, longitude) = Coordinates(root.RequiredString("Coordinates"));
            var changes = root.OptionalNumber("Changes");
            var geofence = root.OptionalString("Geofence_Name");
            var address = root.OptionalString("Location");
            var deliveryId = ContentHash(imei, kind, deviceTime, latitude, longitude, changes, geofence);
            kind = kind.ToLowerInvariant();
            if (kind.Length > 64)
            {
                throw new PayloadException("Event must be at most 64 characters."); // kept on the twin as the alarm's kind
            }

            if (kind is "geofence_enter" or "geofence_exit" && string.IsNullOrWhiteSpace(geofence))
            {
                throw new PayloadException($"Geofence_Name is required for {kind}.");
            }

            var identity = new VehicleIdentity(null, [$"imei:{imei}"]);
            VehicleEvent[] events =
            [
                new LocationReported(latitude, longitude, address) { At = deviceTime },
                new TrackerEventReported(kind, changes, geofence) { At = deviceTime, Extra = new ExtraFields().From(root, DocumentedFields).ToJson() },
            ];
            var outcome = limit.Check(new ParseOutcome.Accepted(kind, [new ForVehicle(identity, events)]));
            return new TrackerParse(outcome, outcome is ParseOutcome.Invalid ? null : deliveryId);
        }
        catch (PayloadException e)
        {
            return new TrackerParse(new ParseOutcome.Invalid(e.Message), null);
        }
    }

    /// <summary><c>"22.927968,75.533275"</c>: latitude then longitude, each in range.</summary>
    private static (double Latitude, double Longitude) Coordinates(string text)
    {
        var parts = text.Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var latitude)
            && double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var longitude)
            && latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180)
        {
            return (latitude, longitude);
        }

        throw new PayloadException("Coordinates must be in latitude,longitude format, latitude -90 to 90 and longitude -180 to 180.");
    }

    /// <summary>Trackers give no message id: the same event content is the same delivery.</summary>
    private static string ContentHash(string imei, string kind, DateTimeOffset deviceTime, double latitude, double longitude, double? changes, string? geofence)
    {
        var key = string.Create(CultureInfo.InvariantCulture,
            $"{imei}|{kind.ToLowerInvariant()}|{deviceTime.UtcTicks}|{latitude:R}|{longitude:R}|{changes:R}|{geofence}");
        return "tracker:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
    }
}
