using System.Globalization;
using System.Text;

namespace FleetTwins.Cli;

/// <summary>
/// A fleet registry as operators keep it: CSV with a header <c>id,vin,aliases</c>, aliases separated by <c>|</c>; optional
/// master data columns <c>name,plate,group,tags,batteryCapacityKwh,notes</c> (tags separated by <c>|</c>; an empty cell
/// keeps what the twin has).
/// </summary>
public static class Registry
{
    /// <summary>One row, with its line number for messages; the master data cells as written (the server checks them).</summary>
    public sealed record Row(int Line, string Id, string? Vin, IReadOnlyList<string> Aliases)
    {
        public IReadOnlyDictionary<string, string> MasterData { get; init; } = new Dictionary<string, string>();
    }

    /// <summary>The optional master data columns, named as the API names the members.</summary>
    public static readonly IReadOnlyList<string> MasterDataColumns = ["name", "plate", "group", "tags", "batteryCapacityKwh", "notes"];

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
        var master = MasterDataColumns.Select(c => (Name: c, Index: header.IndexOf(c.ToLowerInvariant()))).Where(c => c.Index >= 0).ToList();
        var rows = new List<Row>();
        for (var n = 1; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n]))
            {
                continue;
            }

            var cells = Cells(lines[n]);
            string? Cell(int i) => i >= 0 && i < cells.Count && cells[i].Trim() is { Length: > 0 } value ? value : null;
            if (master.FirstOrDefault(c => c.Name == "batteryCapacityKwh") is { Name: not null } capacity && Cell(capacity.Index) is { } kwh
                && !(double.TryParse(kwh, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)))
            {
                throw new InvalidDataException($"{path}: line {n + 1}: batteryCapacityKwh '{kwh}' is not a number (kWh, e.g. 75.5)");
            }

            rows.Add(new Row(n + 1, Cell(id) ?? "", Cell(vin),
                Cell(aliases)?.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
            {
                MasterData = master.Where(c => Cell(c.Index) is not null).ToDictionary(c => c.Name, c => Cell(c.Index)!),
            });
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
