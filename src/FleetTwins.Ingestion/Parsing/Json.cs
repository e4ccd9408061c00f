using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Ingestion.Parsing;

/// <summary>
/// Reading provider JSON strictly: each accessor names the field it rejects and why. Absent and <c>null</c>
/// are the same for optional fields; a present field of the wrong type is always an error.
/// </summary>
public static class Json
{
    /// <summary>Deepest nesting accepted; provider payloads are a few levels deep.</summary>
    public const int MaxDepth = 32;

    // A key twice in one object is refused: readers disagree on which one counts (ours took the last), so a signed body
    // could say one thing to the sender's checks and another to us.
    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = MaxDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>Parses a body that must be one JSON object, in valid UTF-8, with no key twice in any object.</summary>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> body)
    {
        // JSON must be UTF-8 (RFC 8259); the reader checks strings only when they are read, so check it all here.
        if (!Utf8.IsValid(body.Span))
        {
            throw new PayloadException("The body is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            throw new PayloadException($"The body is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException)
        {
            // Comparing keys for duplicates reads them: an escaped unpaired surrogate in a key stops it here.
            throw new PayloadException("A key is not valid text (it holds an unpaired UTF-16 surrogate).");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new PayloadException("The body must be a JSON object.");
        }

        // An escaped unpaired surrogate ("\ud800") is valid JSON but no text: reading it throws wherever it is read,
        // a key looked up by name included. Only a body that escapes with \u at all can hold one, so only such a body
        // (rare: providers send UTF-8) is walked.
        if (body.Span.IndexOf("\\u"u8) >= 0)
        {
            try
            {
                RequireText(document.RootElement, "");
            }
            catch
            {
                document.Dispose();
                throw;
            }
        }

        return document;
    }

    /// <summary>Every key and string under <paramref name="element"/> is text; the first that is not is named by its path.</summary>
    private static void RequireText(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        throw new PayloadException($"A key{(path.Length == 0 ? "" : $" in {path}")} is not valid text (it holds an unpaired UTF-16 surrogate).");
                    }

                    RequireText(property.Value, path.Length == 0 ? name : $"{path}.{name}");
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    RequireText(item, $"{path}[{index++}]");
                }

                break;
            case JsonValueKind.String:
                // The path is the sender's own keys: shown up to 80 characters.
                element.Text(path.Length == 0 ? "a value" : path.Length <= 80 ? path : $"{path[..80]}…");
                break;
        }
    }

    public static JsonElement? Optional(this JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static JsonElement RequiredObject(this JsonElement obj, string name) =>
        obj.Optional(name) is { ValueKind: JsonValueKind.Object } value ? value : throw Missing(name, "an object");

    public static JsonElement? OptionalObject(this JsonElement obj, string name) => obj.Optional(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } value => value,
        _ => throw Wrong(name, "an object"),
    };

    public static JsonElement RequiredArray(this JsonElement obj, string name) =>
        obj.Optional(name) is { ValueKind: JsonValueKind.Array } value ? value : throw Missing(name, "an array");

    /// <summary>A JSON string's text; an escaped unpaired surrogate (<c>"\ud800"</c>) is no text, and says so.</summary>
    public static string Text(this JsonElement value, string name)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new PayloadException($"{name} is not valid text (it holds an unpaired UTF-16 surrogate).");
        }
    }

    /// <summary>A JSON string's text, refused when it holds a control character or is over 4096 characters.</summary>
    public static string CleanText(this JsonElement value, string name) => CheckText(name, value.Text(name));

    public static string RequiredString(this JsonElement obj, string name) =>
        obj.OptionalString(name) is { Length: > 0 } value ? value : throw Missing(name, "a non-empty string");

    public static string? OptionalString(this JsonElement obj, string name) => obj.Optional(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.CleanText(name),
        _ => throw Wrong(name, "a string"),
    };

    public static double? OptionalNumber(this JsonElement obj, string name) => obj.Optional(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetDouble(out var number) && double.IsFinite(number) => number,
        _ => throw Wrong(name, "a finite number"),
    };

    public static double? OptionalNumberInRange(this JsonElement obj, string name, double min, double max) =>
        obj.OptionalNumber(name) is { } value
            ? value >= min && value <= max ? value : throw new PayloadException($"{name} must be between {min} and {max}, not {value}.")
            : null;

    public static int? OptionalInt(this JsonElement obj, string name) => obj.Optional(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var number) => number,
        _ => throw Wrong(name, "a whole number"),
    };

    public static bool? OptionalBool(this JsonElement obj, string name) => obj.Optional(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw Wrong(name, "true or false"),
    };

    public static DateTimeOffset RequiredTimestamp(this JsonElement obj, string name) =>
        obj.OptionalTimestamp(name) ?? throw Missing(name, "an ISO 8601 timestamp");

    public static DateTimeOffset? OptionalTimestamp(this JsonElement obj, string name) =>
        obj.OptionalString(name) is { } text ? ParseTimestamp(name, text) : null;

    /// <summary>ISO 8601 with a zone (<c>Z</c>, <c>+01:00</c> or <c>+0100</c>); a time without one is taken as UTC.</summary>
    public static DateTimeOffset ParseTimestamp(string name, string text)
    {
        var normalised = text.Length > 5 && (text[^5] is '+' or '-') && text[^4..].All(char.IsAsciiDigit)
            ? $"{text[..^2]}:{text[^2..]}"
            : text;
        if (!DateTimeOffset.TryParse(normalised, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value) || !char.IsAsciiDigit(text[0]))
        {
            throw new PayloadException($"{name} must be an ISO 8601 timestamp, not '{Shorten(text)}'.");
        }

        return value.ToUniversalTime();
    }

    /// <summary>A provider's id for a vehicle, device or object, usable inside an alias and a twin id.</summary>
    public static string RequiredId(this JsonElement obj, string name)
    {
        var id = obj.RequiredString(name);
        return VehicleIds.IsValidTwinId(id) && id.Length <= 100
            ? id
            : throw new PayloadException($"{name} must be 1 to 100 letters, digits or '-', '_', '.', ':'.");
    }

    /// <summary>A VIN when the value is one (normalised), else null: providers send odd strings in this field.</summary>
    public static string? VinOrNull(string? text) =>
        text is null ? null : VehicleIds.NormalizeVin(text) is var vin && VehicleIds.IsValidVin(vin) ? vin : null;

    private static string CheckText(string name, string value) =>
        value.Length <= 4096 && !value.Any(char.IsControl)
            ? value
            : throw new PayloadException($"{name} must be at most 4096 characters with no control characters.");

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    private static PayloadException Missing(string name, string what) => new($"{name} is required and must be {what}.");

    private static PayloadException Wrong(string name, string what) => new($"{name} must be {what}.");
}
