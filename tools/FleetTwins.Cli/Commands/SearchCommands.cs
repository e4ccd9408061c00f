using System.CommandLine;
using System.Text.Json.Nodes;

namespace FleetTwins.Cli.Commands;

/// <summary><c>search</c> and <c>watch</c>: the fleet as it is, and as it changes.</summary>
public static class SearchCommands
{
    public static Command Search()
    {
        var filter = new Argument<string[]>("filter")
        {
            Description = "The filter, in the language of docs/SEARCH.md; its words are joined (e.g. charging = CHARGING and soc < 20)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var sort = new Option<string>("--sort") { Description = "The order (as docs/SEARCH.md lists)", HelpName = "sort" };
        var limit = Verbs.Limit("Vehicles per page (default 50, 500 with --all)");
        var all = Verbs.All("Follow every page, with a progress count");
        return new Command("search", "Fleet search: one line per vehicle with its state, a page or every page") { filter, sort, limit, all }
            .WithApi(async (parsed, session) =>
            {
                var words = string.Join(' ', parsed.GetValue(filter) ?? []);
                var every = parsed.GetValue(all);
                var query = $"limit={parsed.GetValue(limit) ?? (every ? 500 : 50)}&filter={Uri.EscapeDataString(words)}"
                    + (parsed.GetValue(sort) is { } order ? $"&sort={Uri.EscapeDataString(order)}" : "");
                var items = new List<JsonNode>();
                string? cursor = null;
                using (var progress = new Output.Progress("vehicles"))
                {
                    do
                    {
                        var page = await session.Api.GetAsync($"api/vehicles?{query}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
                        var pageItems = page["items"]!.AsArray().Select(i => i!).ToList();
                        items.AddRange(pageItems);
                        progress.Advance(pageItems.Count);
                        cursor = page["nextCursor"]?.GetValue<string>();
                    }
                    while (cursor is not null && every);
                }

                if (session.Json)
                {
                    Output.Json(new JsonArray([.. items.Select(i => i.DeepClone())]));
                    return 0;
                }

                var now = DateTimeOffset.UtcNow;
                Output.Table(["ID", "VIN", "ONLINE", "SOC", "CHARGING", "PLUG", "LAT", "LON", "ALERTS", "SEEN"], items.Select(v => (IReadOnlyList<string>)
                [
                    Output.Text(v, "id"), Output.Text(v, "vin"), Output.Text(v, "online"), Output.Text(v, "soc"), Output.Text(v, "charging"),
                    Output.Text(v, "plug"), Output.Text(v, "latitude"), Output.Text(v, "longitude"), Output.Text(v, "alerts"),
                    Output.Age(v["lastSeenAt"]?.GetValue<string>(), now),
                ]));
                Console.WriteLine($"{items.Count} vehicles{(cursor is null ? "" : " (more: --all)")}");
                return 0;
            });
    }

    public static Command Watch()
    {
        var id = new Argument<string>("id") { Description = "The twin to watch; without it, the whole fleet", Arity = ArgumentArity.ZeroOrOne };
        var filter = new Option<string>("--filter") { Description = "Without an id: only the vehicles this search filter matches", HelpName = "filter" };
        return new Command("watch", "Live, one line per change (v<version> soc … charging … online …) and per notification (type: reason); resumes after a host restart; Ctrl+C ends it") { id, filter }
            .WithApi(async (parsed, session) =>
            {
                var path = parsed.GetValue(id) is { } twin
                    ? $"api/vehicles/{Uri.EscapeDataString(twin)}/watch"
                    : $"api/fleet/watch?filter={Uri.EscapeDataString(parsed.GetValue(filter) ?? "")}";
                await WatchAsync(session, path);
                return 0;
            }, streams: true);
    }

    private static Task WatchAsync(Session session, string path) => WatchStream.ReadAsync(session, path, (name, data) =>
        Console.WriteLine(session.Json ? new JsonObject { ["event"] = name, ["data"] = data }.ToJsonString() : Describe(name, data)));

    private static string Describe(string? name, JsonNode? data)
    {
        var at = DateTimeOffset.Now.ToString("HH:mm:ss");
        return name switch
        {
            "notification" => $"{at}  notification  {Output.Text(data, "twinId")}  {Output.Text(data, "type")}: {Output.Text(data, "reason")}",
            "vehicle" or "twin" or null when data?["id"] is not null =>
                $"{at}  {name ?? "change",-12}  {Output.Text(data, "id")} v{Output.Text(data, "version")}  soc {SocOf(data)}  charging {ChargingOf(data)}  online {Output.Text(data, "online")}",
            _ => $"{at}  {name ?? "message",-12}  {data?.ToJsonString()}",
        };
    }

    private static string SocOf(JsonNode? data) => Output.Text(data, "soc") is var flat && flat != "-" ? flat : Output.Text(data, "stateOfCharge.value");

    private static string ChargingOf(JsonNode? data) => data?["charging"] is JsonObject ? Output.Text(data, "charging.state") : Output.Text(data, "charging");
}
