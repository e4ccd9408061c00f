using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FleetTwins.Cli;

/// <summary>What the commands print: aligned tables or indented JSON on stdout; progress on stderr (a terminal only).</summary>
public static class Output
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Json(JsonNode? node) => Console.WriteLine(node?.ToJsonString(Indented) ?? "null");

    /// <summary>Rows under a header, each column as wide as its widest cell.</summary>
    public static void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => i < r.Count ? r[i].Length : 0)).ToArray();
        foreach (var (row, n) in all.Select((r, n) => (r, n)))
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
            if (n == 0)
            {
                Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }
    }

    /// <summary>Name/value lines, names aligned.</summary>
    public static void Fields(IEnumerable<(string Name, string Value)> fields)
    {
        var list = fields.ToList();
        var width = list.Count == 0 ? 0 : list.Max(f => f.Name.Length);
        foreach (var (name, value) in list)
        {
            Console.WriteLine($"{name.PadRight(width)}  {value}");
        }
    }

    /// <summary>A value read from a path like <c>stateOfCharge.value</c>, as text; "-" when absent.</summary>
    public static string Text(JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var next) ? next : null;
        }

        return node switch
        {
            null => "-",
            JsonValue v when v.TryGetValue<double>(out var d) => d.ToString("0.##", CultureInfo.InvariantCulture),
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "yes" : "no",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => node.ToJsonString(),
        };
    }

    /// <summary>How long ago an ISO 8601 time was, readably ("42 s", "3 min", "2 h", "5 d").</summary>
    public static string Age(string? at, DateTimeOffset now)
    {
        if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return "-";
        }

        var age = now - time;
        return age.TotalSeconds < 90 ? $"{Math.Max(0, age.TotalSeconds):0} s"
            : age.TotalMinutes < 90 ? $"{age.TotalMinutes:0} min"
            : age.TotalHours < 36 ? $"{age.TotalHours:0} h"
            : $"{age.TotalDays:0} d";
    }

    /// <summary>A progress line on stderr, redrawn in place; silent when stderr is not a terminal.</summary>
    public sealed class Progress(string what, long? total = null) : IDisposable
    {
        private readonly bool visible = !Console.IsErrorRedirected;
        private long done;

        public void Advance(long by = 1)
        {
            done += by;
            if (!visible)
            {
                return;
            }

            if (total is > 0 and var all)
            {
                var filled = (int)(30 * Math.Min(1, (double)done / all));
                Console.Error.Write($"\r{what} [{new string('#', filled)}{new string('.', 30 - filled)}] {done:N0}/{all:N0}");
            }
            else
            {
                Console.Error.Write($"\r{what} {done:N0}");
            }
        }

        public void Dispose()
        {
            if (visible && done > 0)
            {
                Console.Error.WriteLine();
            }
        }
    }
}
