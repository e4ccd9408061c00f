using System.Text.Json;
using System.Text.Json.Serialization;

namespace FleetTwins.Host.Api;

/// <summary>
/// Text that enters through an API body is valid Unicode without control characters, checked once where the JSON is
/// read: a string with an escaped unpaired surrogate (<c>"\ud800"</c>) cannot be written back out, so stored it broke
/// every later answer that showed it. Webhook payloads are held to the same by their parsers.
/// </summary>
public static class StrictJson
{
    /// <summary>What is wrong with the text in <paramref name="value"/> (at <paramref name="path"/>), or null when nothing is.</summary>
    public static string? Problem(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (Text(() => property.Name) is not { } name)
                    {
                        return $"{path} has a property name that is not valid text (an unpaired UTF-16 surrogate)";
                    }

                    if (HasControl(name))
                    {
                        return $"{path} has a property name with a control character";
                    }

                    if (Problem(property.Value, $"{path}.{name}") is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (Problem(item, $"{path}[{index++}]") is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.String:
                return Text(value.GetString) switch
                {
                    null => $"{path} is not valid text (an unpaired UTF-16 surrogate)",
                    var text when HasControl(text) => $"{path} holds a control character",
                    _ => null,
                };
            default:
                return null;
        }
    }

    /// <summary>Whether the text holds a control character (U+0000–U+001F, U+007F–U+009F).</summary>
    public static bool HasControl(string text) => text.AsSpan().IndexOfAnyInRange('\u0000', '\u001f') >= 0
        || text.AsSpan().IndexOfAnyInRange('\u007f', '\u009f') >= 0;

    private static string? Text(Func<string?> read)
    {
        try
        {
            return read() ?? "";
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Every <see cref="string"/> of an API body: refused (400, through the binding error) when it is not valid text
    /// or holds a control character.
    /// </summary>
    public sealed class StringConverter : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"Expected a string, found {reader.TokenType}.");
            }

            string text;
            try
            {
                text = reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                throw new JsonException("A string is not valid text (it holds an unpaired UTF-16 surrogate).");
            }

            return HasControl(text) ? throw new JsonException("A string holds a control character.") : text;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
