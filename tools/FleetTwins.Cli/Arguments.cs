namespace FleetTwins.Cli;

/// <summary>
/// A command line as words: positional arguments, <c>--name value</c> options (repeatable) and <c>--flag</c>s.
/// Which names take a value is given by the caller, so a flag never swallows the next word.
/// </summary>
public sealed class Arguments
{
    private static readonly HashSet<string> Flags = ["--json", "--all", "--wait", "--help"];

    private readonly Dictionary<string, List<string>> options = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> words)
    {
        using var e = words.GetEnumerator();
        while (e.MoveNext())
        {
            var word = e.Current;
            if (!word.StartsWith("--", StringComparison.Ordinal) || word == "--")
            {
                Positional.Add(word);
            }
            else if (Flags.Contains(word))
            {
                Add(word, "true");
            }
            else if (e.MoveNext())
            {
                Add(word, e.Current);
            }
            else
            {
                throw new UsageException($"{word} needs a value");
            }
        }
    }

    public List<string> Positional { get; } = [];

    public bool Has(string flag) => options.ContainsKey(flag);

    public string? Get(string name) => options.TryGetValue(name, out var values) ? values[^1] : null;

    public IReadOnlyList<string> All(string name) => options.TryGetValue(name, out var values) ? values : [];

    public int? Int(string name) => Get(name) is { } value
        ? int.TryParse(value, out var n) && n > 0 ? n : throw new UsageException($"{name} must be a positive number, not '{value}'")
        : null;

    public string Required(int position, string what) =>
        Positional.Count > position ? Positional[position] : throw new UsageException($"missing {what}");

    private void Add(string name, string value)
    {
        if (!options.TryGetValue(name, out var values))
        {
            options[name] = values = [];
        }

        values.Add(value);
    }
}

/// <summary>The command line is wrong: say what, and show the usage.</summary>
public sealed class UsageException(string message) : Exception(message);
