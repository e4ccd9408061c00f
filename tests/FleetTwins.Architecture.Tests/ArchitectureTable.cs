using System.Text.RegularExpressions;

namespace FleetTwins.Architecture.Tests;

/// <summary>
/// Reads the table "Projects and the arrows between them" of docs/ARCHITECTURE.md: each row names its projects in
/// backticks in the first column and what they may reference in the last, as backticked short names (`Abstractions`
/// for FleetTwins.Abstractions), "nothing of ours", or "everything above" (every project in an earlier row).
/// </summary>
public static partial class ArchitectureTable
{
    private const string Heading = "## Projects and the arrows between them";

    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Read(string markdown)
    {
        var lines = File.ReadAllLines(markdown);
        var start = Array.FindIndex(lines, l => l.StartsWith(Heading, StringComparison.Ordinal));
        if (start < 0)
        {
            throw new InvalidOperationException($"{markdown} has no '{Heading}' section");
        }

        var allowed = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var row in lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2))
        {
            var cells = row.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var projects = Names(cells[0]).Select(n => n.StartsWith("FleetTwins.", StringComparison.Ordinal) ? n : $"FleetTwins.{n}").ToList();
            var mayReference = cells[^1];
            IReadOnlySet<string> targets = mayReference.StartsWith("everything above", StringComparison.Ordinal)
                ? allowed.Keys.ToHashSet(StringComparer.Ordinal)
                : Names(mayReference).Select(n => $"FleetTwins.{n}").ToHashSet(StringComparer.Ordinal);
            foreach (var project in projects)
            {
                allowed[project] = targets;
            }
        }

        return allowed.Count > 0 ? allowed : throw new InvalidOperationException($"the table under '{Heading}' in {markdown} has no rows");
    }

    /// <summary>The backticked names of a cell, without a folder (`tools/FleetTwins.Cli` is FleetTwins.Cli).</summary>
    private static IEnumerable<string> Names(string cell) =>
        Backticked().Matches(cell).Select(m => m.Groups[1].Value.Split('/')[^1]);

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();
}
