using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FleetTwins.Abstractions.History;

namespace FleetTwins.Host.Api.History;

/// <summary>
/// The query parameters of the history endpoints, checked (pure): ISO 8601 times, a window of at most
/// <see cref="MaxWindow"/> (beyond <see cref="DefaultWindow"/> both <c>from</c> and <c>to</c> must be given), a limit of
/// 1 to <see cref="MaxLimit"/>, and an opaque cursor. Each failure is one sentence for the 400 answer.
/// </summary>
public static partial class HistoryParameters
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;

    /// <summary>The answer to a cursor that does not read back.</summary>
    public const string InvalidCursor = "cursor is not one this API gave out.";

    /// <summary>The window when <c>from</c> or <c>to</c> is left out.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(7);

    /// <summary>The longest window one query may ask for.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(31);

    /// <summary>A checked window of source times and a page size.</summary>
    public sealed record Window(DateTimeOffset From, DateTimeOffset To, int Limit);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso8601();

    /// <summary>An ISO 8601 time with its offset (or a date, taken as midnight UTC); null when it is not one.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        text is { Length: <= 40 } && Iso8601().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;

    /// <summary>The window and limit as the query string gives them, or the sentence saying what is wrong with them.</summary>
    public static (Window? Window, string? Error) Check(string? from, string? to, string? limit, DateTimeOffset now)
    {
        DateTimeOffset? start = null, end = null;
        if (from is not null && (start = ParseTime(from)) is null)
        {
            return (null, $"from '{Shorten(from)}' is not an ISO 8601 time such as 2026-11-30T10:00:00Z.");
        }

        if (to is not null && (end = ParseTime(to)) is null)
        {
            return (null, $"to '{Shorten(to)}' is not an ISO 8601 time such as 2026-11-30T10:00:00Z.");
        }

        if (CheckLimit(limit, DefaultLimit, MaxLimit, out var count) is { } error)
        {
            return (null, error);
        }

        return Check(start, end, count, now);
    }

    /// <summary>A limit given as text: <paramref name="fallback"/> when absent, else 1 to <paramref name="max"/>; the sentence when it is not.</summary>
    public static string? CheckLimit(string? text, int fallback, int max, out int count)
    {
        count = fallback;
        return text is not null && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > max)
            ? LimitError(max)
            : null;
    }

    private static string LimitError(int max) => $"limit is a whole number from 1 to {max}.";

    /// <summary>The window and a limit already read (gRPC's typed fields, the query string's once parsed).</summary>
    public static (Window? Window, string? Error) Check(DateTimeOffset? start, DateTimeOffset? end, int count, DateTimeOffset now)
    {
        if (count < 1 || count > MaxLimit)
        {
            return (null, LimitError(MaxLimit));
        }

        var (f, t) = (start, end) switch
        {
            ({ } s, { } e) => (s, e),
            ({ } s, null) => (s, Shifted(s, DefaultWindow)),
            (null, { } e) => (Shifted(e, -DefaultWindow), e),
            _ => (now - DefaultWindow, now),
        };
        if (f > t)
        {
            return (null, "from is after to.");
        }

        if (t - f > MaxWindow)
        {
            return (null, $"the window from {f:O} to {t:O} is longer than {MaxWindow.TotalDays:0} days; ask for it in parts.");
        }

        return (new Window(f, t, count), null);
    }

    /// <summary><paramref name="at"/> moved by <paramref name="by"/>, held at the calendar's ends: a window open at 9999-12-31 or 0001-01-01 is not an overflow.</summary>
    private static DateTimeOffset Shifted(DateTimeOffset at, TimeSpan by) =>
        new(Math.Clamp(at.UtcTicks + by.Ticks, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);

    /// <summary>The reading kind as the API names it, or null.</summary>
    public static string? Reading(string? reading) =>
        HistoryReadings.All.FirstOrDefault(r => string.Equals(r, reading, StringComparison.OrdinalIgnoreCase));

    public static string Cursor(HistoryPosition p) => Encode($"h|{p.At.UtcTicks}|{p.Sequence}|{p.Ordinal}");

    public static string Cursor(TripPosition p) => Encode($"t|{p.StartedAt.UtcTicks}|{p.Id}");

    public static string Cursor(NotificationPosition p) => Encode($"n|{p.At.UtcTicks}|{p.Id}");

    /// <summary>A history cursor read back; false when it is not one this API gave out.</summary>
    public static bool TryHistoryCursor(string? text, out HistoryPosition? position)
    {
        position = null;
        if (text is null)
        {
            return true;
        }

        var parts = Decode(text)?.Split('|');
        if (parts is not ["h", var ticks, var sequence, var ordinal] || !TryTicks(ticks, out var at)
            || !long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            || !int.TryParse(ordinal, NumberStyles.None, CultureInfo.InvariantCulture, out var o))
        {
            return false;
        }

        position = new HistoryPosition(at, s, o);
        return true;
    }

    public static bool TryTripCursor(string? text, out TripPosition? position)
    {
        var read = TryKeyed(text, "t", out var key);
        position = key is var (at, id) ? new TripPosition(at, id) : null;
        return read;
    }

    public static bool TryNotificationCursor(string? text, out NotificationPosition? position)
    {
        var read = TryKeyed(text, "n", out var key);
        position = key is var (at, id) ? new NotificationPosition(at, id) : null;
        return read;
    }

    /// <summary>A <c>{tag}|{ticks}|{id}</c> cursor read back (none when <paramref name="text"/> is null); false when it is not one.</summary>
    private static bool TryKeyed(string? text, string tag, out (DateTimeOffset At, string Id)? key)
    {
        key = null;
        if (text is null)
        {
            return true;
        }

        if (Decode(text) is not { } decoded || decoded.Split('|', 3) is not [var t, var ticks, var id] || t != tag || !TryTicks(ticks, out var at))
        {
            return false;
        }

        key = (at, id);
        return true;
    }

    private static bool TryTicks(string text, out DateTimeOffset at)
    {
        at = default;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        at = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    private static string? Decode(string text)
    {
        // IsValid first: the decoder throws on a character outside the alphabet rather than answering false.
        if (text.Length is 0 or > 512 || !Base64Url.IsValid(text))
        {
            return null;
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        return Base64Url.TryDecodeFromChars(text, bytes, out var written) ? Encoding.UTF8.GetString(bytes, 0, written) : null;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
