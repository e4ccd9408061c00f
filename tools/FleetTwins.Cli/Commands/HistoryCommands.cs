using System.CommandLine;
using System.Text.Json.Nodes;

namespace FleetTwins.Cli.Commands;

/// <summary><c>history</c> and <c>trips</c>: what a twin was, page by page.</summary>
public static class HistoryCommands
{
    public static Command History()
    {
        var id = Verbs.TwinId();
        var reading = new Argument<string>("reading")
        {
            Description = "The kind of reading: stateOfCharge, location, tires, ... as docs/API.md lists",
            DefaultValueFactory = _ => "stateOfCharge",
        };
        var window = new Window();
        var command = new Command("history", "The twin's accepted readings of one kind in source-time order, late ones marked") { id, reading };
        window.AddTo(command);
        return command.WithApi(async (parsed, session) =>
        {
            var kind = parsed.GetValue(reading)!;
            var items = await window.PagesAsync(parsed, session,
                $"api/vehicles/{Uri.EscapeDataString(parsed.GetValue(id)!)}/history?reading={Uri.EscapeDataString(kind)}{window.Query(parsed)}");
            if (session.Json)
            {
                Output.Json(new JsonArray([.. items.Select(i => i.DeepClone())]));
                return 0;
            }

            Output.Table(["AT", "KEY", "VALUE", "SOURCE", "", "DELIVERY"], items.Select(i => (IReadOnlyList<string>)
            [
                Output.Text(i, "at"), Output.Text(i, "key"), Describe(i), Output.Text(i, "source"),
                i["late"]?.GetValue<bool>() == true ? "late" : "", Output.Text(i, "deliveryId"),
            ]));
            Console.WriteLine($"{items.Count} {kind} readings");
            return 0;
        });

        static string Describe(JsonNode i) => i["latitude"] is not null
            ? $"{Output.Text(i, "latitude")},{Output.Text(i, "longitude")}"
            : i["value"] is not null ? $"{Output.Text(i, "value")} {Output.Text(i, "unit")}".TrimEnd('-', ' ') : Output.Text(i, "state");
    }

    public static Command Trips()
    {
        var id = Verbs.TwinId();
        var track = new Option<string>("--track") { Description = "One trip's positions instead of the list", HelpName = "tripId" };
        var window = new Window();
        var command = new Command("trips", "The twin's trips (km, kWh, SOC used, positions), or with --track one trip's positions") { id, track };
        window.AddTo(command);
        return command.WithApi(async (parsed, session) =>
        {
            var twin = Uri.EscapeDataString(parsed.GetValue(id)!);
            if (parsed.GetValue(track) is { } tripId)
            {
                await PrintTrackAsync(session, $"api/vehicles/{twin}/trips/{Uri.EscapeDataString(tripId)}/track");
                return 0;
            }

            var items = await window.PagesAsync(parsed, session, $"api/vehicles/{twin}/trips?{window.Query(parsed).TrimStart('&')}");
            if (session.Json)
            {
                Output.Json(new JsonArray([.. items.Select(i => i.DeepClone())]));
                return 0;
            }

            Output.Table(["TRIP", "STARTED", "ENDED", "KM", "KWH", "SOC USED", "POSITIONS", "SOURCE"], items.Select(t => (IReadOnlyList<string>)
            [
                Output.Text(t, "id"), Output.Text(t, "startedAt"), Output.Text(t, "endedAt"), Output.Text(t, "distanceKm"),
                Output.Text(t, "energyUsedKwh"), Output.Text(t, "socUsed"), Output.Text(t, "positions"), Output.Text(t, "source"),
            ]));
            Console.WriteLine($"{items.Count} trips");
            return 0;
        });
    }

    private static async Task PrintTrackAsync(Session session, string path)
    {
        var track = await session.Api.GetAsync(path);
        if (session.Json)
        {
            Output.Json(track);
            return;
        }

        var coordinates = track["geometry"]!["coordinates"]!.AsArray();
        var times = track["properties"]!["times"]!.AsArray();
        Output.Table(["AT", "LAT", "LON"], coordinates.Select((c, n) => (IReadOnlyList<string>)
            [times[n]!.GetValue<string>(), c![1]!.ToString(), c[0]!.ToString()]));
        Console.WriteLine($"{coordinates.Count} positions");
    }

    /// <summary><c>--from t --to t --limit n --all</c>: a time window read a page, or every page, at a time.</summary>
    private sealed class Window
    {
        private readonly Option<string> from = new("--from") { Description = "From this time (ISO 8601)", HelpName = "t" };
        private readonly Option<string> to = new("--to") { Description = "Up to this time (ISO 8601)", HelpName = "t" };
        private readonly Option<int?> limit = Verbs.Limit("Items per page");
        private readonly Option<bool> all = Verbs.All("Follow every page");

        public void AddTo(Command command)
        {
            command.Add(from);
            command.Add(to);
            command.Add(limit);
            command.Add(all);
        }

        public string Query(ParseResult parsed) =>
            (parsed.GetValue(from) is { } start ? $"&from={Uri.EscapeDataString(start)}" : "")
            + (parsed.GetValue(to) is { } end ? $"&to={Uri.EscapeDataString(end)}" : "")
            + (parsed.GetValue(limit) is { } n ? $"&limit={n}" : "");

        /// <summary>The items of a page, or of every page with --all (following nextCursor).</summary>
        public async Task<List<JsonNode>> PagesAsync(ParseResult parsed, Session session, string path)
        {
            var items = new List<JsonNode>();
            string? cursor = null;
            do
            {
                var page = await session.Api.GetAsync(cursor is null ? path : $"{path}&cursor={Uri.EscapeDataString(cursor)}");
                items.AddRange(page["items"]!.AsArray().Select(i => i!));
                cursor = page["nextCursor"]?.GetValue<string>();
            }
            while (cursor is not null && parsed.GetValue(all));
            return items;
        }
    }
}
