using System.Text.Json;
using System.Text.Json.Serialization;

namespace FleetTwins.Abstractions.Vehicles;

/// <summary>Writes a property holding JSON text as that JSON (an object, not a string), and reads it back as text.</summary>
public sealed class RawJsonConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteRawValue(value);
}
