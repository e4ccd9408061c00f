using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace FleetTwins.Host.Grpc;

/// <summary>
/// Request fields a message can carry but the API cannot take — a Timestamp outside its range, a Value with nothing
/// set, a number JSON cannot write — read with their checks: each is INVALID_ARGUMENT naming the field.
/// </summary>
internal static class RequestFields
{
    /// <summary>0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range a Timestamp may hold, as seconds since 1970.</summary>
    private const long MinSeconds = -62_135_596_800, MaxSeconds = 253_402_300_799;

    private const int MaxNanos = 999_999_999;

    /// <summary>The time <paramref name="value"/> holds, or null when it is not set.</summary>
    public static DateTimeOffset? Time(Timestamp? value, string field) => value switch
    {
        null => null,
        { Seconds: < MinSeconds or > MaxSeconds } or { Nanos: < 0 or > MaxNanos } => throw Invalid(
            $"{field}: a Timestamp holds seconds from {MinSeconds} to {MaxSeconds} (0001-01-01 to 9999-12-31) and nanos from 0 to {MaxNanos}."),
        _ => value.ToDateTimeOffset(),
    };

    /// <summary>Command arguments as JSON object text; a value with nothing set, NaN or an infinity would not survive as JSON.</summary>
    public static string Arguments(Struct? arguments) =>
        arguments is not null && Problem(arguments, "arguments") is { } problem ? throw Invalid(problem) : ProtoMapping.Json(arguments);

    /// <summary>
    /// GeoJSON text as the JSON element REST would have bound (a key twice refused as there); text that is not JSON is
    /// INVALID_ARGUMENT naming <paramref name="field"/>.
    /// </summary>
    public static JsonElement Json(string text, string field)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowDuplicateProperties = false });
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw Invalid($"{field} is not JSON: {e.Message}");
        }
    }

    private static string? Problem(Struct value, string path) =>
        value.Fields.Select(f => Problem(f.Value, $"{path}.{f.Key}")).FirstOrDefault(p => p is not null);

    private static string? Problem(Value value, string path) => value.KindCase switch
    {
        Value.KindOneofCase.None => $"{path} has no value: set one of null, number, string, bool, struct or list.",
        Value.KindOneofCase.NumberValue when !double.IsFinite(value.NumberValue) => $"{path} is not a finite number.",
        Value.KindOneofCase.StructValue => Problem(value.StructValue, path),
        Value.KindOneofCase.ListValue => value.ListValue.Values.Select((item, i) => Problem(item, $"{path}[{i}]")).FirstOrDefault(p => p is not null),
        _ => null,
    };

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));
}
