using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json.Nodes;

namespace FleetTwins.Cli.Commands;

/// <summary>
/// <c>import &lt;registry.csv&gt;</c>: registers every row (<c>id,vin,aliases</c>, aliases separated by <c>|</c>, and any of
/// the master data columns <see cref="Registry.MasterDataColumns"/>) in
/// requests of <see cref="Batch"/> rows, with a progress bar; then the counts and one line per conflict or invalid row.
/// Exit code 1 when any row was not taken.
/// </summary>
public static class ImportCommand
{
    /// <summary>Rows per registry request (the server takes up to 10,000); smaller keeps the progress bar moving.</summary>
    private const int Batch = 1000;

    private static readonly string[] Outcomes = ["created", "linked", "merged", "unchanged", "conflict", "invalid", "updated"];

    public static Command Create()
    {
        var registry = new Argument<IReadOnlyList<Registry.Row>>("registry.csv")
        {
            Description = "The fleet: a CSV with the header id,vin,aliases (aliases separated by |), optionally name,plate,group,tags (separated by |),batteryCapacityKwh,notes",
            Arity = ArgumentArity.ExactlyOne,
            CustomParser = Read,
        };
        return new Command("import", "Registers a fleet from CSV, 1,000 rows per request; idempotent; exit 1 when any row was not taken (admin scope)") { registry }
            .WithApi(async (parsed, session) =>
            {
                var rows = parsed.GetValue(registry)!;
                var (totals, problems) = await RegisterAsync(session, rows);
                if (session.Json)
                {
                    Output.Json(new JsonObject(totals.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value)))
                    {
                        ["problems"] = new JsonArray([.. problems.Select(p => (JsonNode?)p)]),
                    });
                }
                else
                {
                    Console.WriteLine(string.Join(", ", Outcomes.Select(o => $"{totals.GetValueOrDefault(o)} {o}")) + $" ({rows.Count} rows)");
                    problems.ForEach(Console.WriteLine);
                }

                return problems.Count == 0 ? 0 : 1;
            });
    }

    /// <summary>A missing or unreadable file, or one without a header, is a wrong command line.</summary>
    private static IReadOnlyList<Registry.Row> Read(ArgumentResult result)
    {
        var path = result.Tokens.Single().Value;
        try
        {
            return Registry.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            result.AddError(e.Message);
            return [];
        }
    }

    /// <summary>The count of each outcome, and one line per conflict or invalid row.</summary>
    private static async Task<(Dictionary<string, int> Totals, List<string> Problems)> RegisterAsync(Session session, IReadOnlyList<Registry.Row> rows)
    {
        var totals = new Dictionary<string, int>();
        var problems = new List<string>();
        using var progress = new Output.Progress("rows", rows.Count);
        foreach (var batch in rows.Chunk(Batch))
        {
            var answer = await session.Api.PostAsync("api/vehicles/registry",
                batch.Select(Body).ToList(), session.Cancellation);
            foreach (var result in answer["results"]!.AsArray())
            {
                var outcome = result!["outcome"]!.GetValue<string>();
                totals[outcome] = totals.GetValueOrDefault(outcome) + 1;
                if (outcome is "conflict" or "invalid")
                {
                    var row = batch[result["row"]!.GetValue<int>()];
                    problems.Add($"line {row.Line}: {row.Id}: {outcome}: {result["message"]?.GetValue<string>()}");
                }
            }

            progress.Advance(batch.Length);
        }

        return (totals, problems);
    }

    /// <summary>A row as the registry endpoint reads it (the capacity was checked to be a number when the file was read).</summary>
    private static JsonObject Body(Registry.Row row)
    {
        var body = new JsonObject { ["id"] = row.Id, ["vin"] = row.Vin, ["aliases"] = new JsonArray([.. row.Aliases.Select(a => (JsonNode?)a)]) };
        foreach (var (name, cell) in row.MasterData)
        {
            body[name] = name switch
            {
                "tags" => new JsonArray([.. cell.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => (JsonNode?)t)]),
                "batteryCapacityKwh" => double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture),
                _ => cell,
            };
        }

        return body;
    }
}
