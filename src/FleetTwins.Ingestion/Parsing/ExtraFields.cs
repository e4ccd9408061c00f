using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FleetTwins.Ingestion.Parsing;

/// <summary>
/// What a payload carries that its parser does not model, gathered into one JSON object that the fact's reading keeps
/// (<c>TwinEvent.Extra</c>), so nothing a provider sends is silently dropped. Bounded: past <see cref="MaxBytes"/> the
/// remaining fields are left out and counted in <c>"_truncated"</c>. Its elements come from a document of
/// <see cref="Json.ParseObject"/>, which has already refused a key or string that is not valid text.
/// </summary>
public sealed class ExtraFields
{
    /// <summary>The most JSON (UTF-8 bytes, as written) kept per reading.</summary>
    public const int MaxBytes = 2048;

    /// <summary>Room kept for <c>,"_truncated":N}</c>.</summary>
    private const int Reserve = 32;

    private static readonly byte[] Truncated = "\"_truncated\":"u8.ToArray();

    private readonly List<(string Name, JsonElement Value)> fields = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    /// <summary>Whether nothing has been gathered.</summary>
    public bool IsEmpty => fields.Count == 0;

    /// <summary>Every property of <paramref name="obj"/> but the <paramref name="modelled"/> ones, under <paramref name="prefix"/> when given.</summary>
    public ExtraFields From(JsonElement obj, IReadOnlyCollection<string> modelled, string? prefix = null)
    {
        foreach (var property in obj.EnumerateObject())
        {
            var name = property.Name;
            if (!modelled.Contains(name) && property.Value.ValueKind != JsonValueKind.Null)
            {
                Add(prefix is null ? name : $"{prefix}.{name}", property.Value);
            }
        }

        return this;
    }

    /// <summary>Keeps <paramref name="value"/> under <paramref name="name"/>; the first of a name sent twice wins.</summary>
    public ExtraFields Add(string name, JsonElement value)
    {
        if (names.Add(name))
        {
            fields.Add((name, value));
        }

        return this;
    }

    /// <summary>Keeps the fields of <paramref name="other"/> too, after these.</summary>
    public ExtraFields Append(ExtraFields other)
    {
        foreach (var (name, value) in other.fields)
        {
            if (names.Add(name))
            {
                fields.Add((name, value));
            }
        }

        return this;
    }

    /// <summary>The fields as a JSON object of at most <see cref="MaxBytes"/> bytes, or null when there are none.</summary>
    public string? ToJson()
    {
        if (fields.Count == 0)
        {
            return null;
        }

        var output = new ArrayBufferWriter<byte>(Math.Min(MaxBytes, 256));
        output.Write("{"u8);
        var scratch = new ArrayBufferWriter<byte>(256);
        var left = 0;
        foreach (var (name, value) in fields)
        {
            // A field is measured as written (escapes included) and kept whole or counted, never cut.
            if (output.WrittenCount + name.Length + 4 + Reserve > MaxBytes)
            {
                left++;
                continue;
            }

            scratch.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(scratch))
            {
                writer.WriteStartObject();
                writer.WritePropertyName(name);
                value.WriteTo(writer);
                writer.WriteEndObject();
            }

            var property = scratch.WrittenSpan[1..^1]; // "name":value, without the braces
            if (output.WrittenCount + property.Length + 1 + Reserve > MaxBytes)
            {
                left++;
                continue;
            }

            if (output.WrittenCount > 1)
            {
                output.Write(","u8);
            }

            output.Write(property);
        }

        if (left > 0)
        {
            if (output.WrittenCount > 1)
            {
                output.Write(","u8);
            }

            output.Write(Truncated);
            output.Write(Encoding.ASCII.GetBytes(left.ToString(CultureInfo.InvariantCulture)));
        }

        output.Write("}"u8);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
