using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FleetTwins.Search.Filters;

namespace FleetTwins.Search.Queries;

/// <summary>
/// Where a page ended: the last item's sort value and id (keyset paging, stable under inserts), bound to the sort
/// and filter it was made for. Opaque to clients: base64url of a small JSON object.
/// </summary>
public sealed record PageCursor(string Sort, string FilterHash, object? Value, string Id)
{
    /// <summary>The cursor after the last item of a page, which has <paramref name="value"/> to sort by and <paramref name="id"/>.</summary>
    public static PageCursor After(object? value, string id, SortOrder sort, string? filterText) =>
        new(sort.ToString(), Hash(filterText), value, id);

    public string Encode()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["s"] = Sort,
            ["f"] = FilterHash,
            ["v"] = Value is DateTimeOffset at ? at.ToString("O", CultureInfo.InvariantCulture) : Value,
            ["i"] = Id,
        });
        return Base64Url.EncodeToString(json);
    }

    /// <summary>Reads a cursor made for this sort and filter; anything else is an <see cref="ArgumentException"/>.</summary>
    public static PageCursor Decode(string text, SortOrder sort, string? filterText)
    {
        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(text));
            var root = document.RootElement;
            var cursor = new PageCursor(
                root.GetProperty("s").GetString() ?? "",
                root.GetProperty("f").GetString() ?? "",
                ReadValue(root.GetProperty("v"), sort.Field.Type),
                root.GetProperty("i").GetString() ?? throw new FormatException("cursor without an id"));
            if (cursor.Sort != sort.ToString() || cursor.FilterHash != Hash(filterText))
            {
                throw new ArgumentException("cursor: it belongs to another filter or sort; pass the same filter and sort as the first page");
            }

            return cursor;
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ArgumentException("cursor: not a cursor this service made; pass nextCursor from the previous page as it is");
        }
    }

    private static object? ReadValue(JsonElement value, FieldType type) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when type == FieldType.Number => value.GetDouble(),
        JsonValueKind.String when type == FieldType.Text => value.GetString(),
        JsonValueKind.String when type == FieldType.Time => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture),
        _ => throw new FormatException("cursor value of the wrong type"),
    };

    private static string Hash(string? filterText) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(filterText?.Trim() ?? "")))[..16];
}
