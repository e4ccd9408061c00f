using System.Text;

namespace FleetTwins.Cli;

/// <summary>A fleet registry as operators keep it: CSV with a header <c>id,vin,aliases</c>, aliases separated by <c>|</c>.</summary>
public static class Registry
{
    /// <summary>One row, with its line number for messages.</summary>
    public sealed record Row(int Line, string Id, string? Vin, IReadOnlyList<string> Aliases);

    /// <summary>The rows of the file at <paramref name="path"/>; <see cref="InvalidDataException"/> when it has no header with an id column.</summary>
    public static IReadOnlyList<Row> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"{path} is empty; it needs a header line id,vin,aliases");
        }

        var header = Cells(lines[0]).Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Column(string name) => header.IndexOf(name) is var i and >= 0 ? i : throw new InvalidDataException($"{path}: the header has no '{name}' column");
        var (id, vin, aliases) = (Column("id"), header.IndexOf("vin"), header.IndexOf("aliases"));
        var rows = new List<Row>();
        for (var n = 1; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n]))
            {
                continue;
            }

            var cells = Cells(lines[n]);
            string? Cell(int i) => i >= 0 && i < cells.Count && cells[i].Trim() is { Length: > 0 } value ? value : null;
            rows.Add(new Row(n + 1, Cell(id) ?? "", Cell(vin),
                Cell(aliases)?.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? []));
        }

        return rows;
    }

    /// <summary>Splits one CSV line; a cell in double quotes may hold commas, and "" is a quote.</summary>
    private static List<string> Cells(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }
}
