using System.Diagnostics;
using System.Text.Json.Nodes;

namespace FleetTwins.Cli;

/// <summary>One method per command; each answers the process exit code.</summary>
public sealed class Commands(Api api, bool json)
{
    private static readonly string[] Terminal = ["CONFIRMED", "FAILED", "TIMED_OUT", "SUPERSEDED"];

    /// <summary><c>get &lt;id&gt;</c>: one vehicle twin, every reading with its source and age.</summary>
    public async Task<int> GetAsync(Arguments args)
    {
        var twin = await api.GetAsync($"api/vehicles/{Uri.EscapeDataString(args.Required(1, "the twin id"))}");
        PrintTwin(twin);
        return 0;
    }

    /// <summary><c>resolve --vin V | --imei I | --provider P --id X</c>: the twin a provider's identifier belongs to.</summary>
    public async Task<int> ResolveAsync(Arguments args)
    {
        var query = args.Get("--vin") is { } vin ? $"vin={Uri.EscapeDataString(vin)}"
            : args.Get("--imei") is { } imei ? $"imei={Uri.EscapeDataString(imei)}"
            : args.Get("--provider") is { } provider && args.Get("--id") is { } id ? $"provider={Uri.EscapeDataString(provider)}&id={Uri.EscapeDataString(id)}"
            : throw new UsageException("resolve needs --vin, --imei, or --provider with --id");
        PrintTwin(await api.GetAsync($"api/vehicles/resolve?{query}"));
        return 0;
    }

    /// <summary><c>link &lt;id&gt; &lt;alias&gt;</c>: binds an alias to a twin (the twin holding it merged in).</summary>
    public async Task<int> LinkAsync(Arguments args)
    {
        var id = args.Required(1, "the twin id");
        PrintTwin(await api.PostAsync($"api/vehicles/{Uri.EscapeDataString(id)}/aliases", new { alias = args.Required(2, "the alias") }));
        return 0;
    }

    /// <summary><c>unlink &lt;id&gt; &lt;alias&gt;</c>: unbinds an alias from a twin.</summary>
    public async Task<int> UnlinkAsync(Arguments args)
    {
        var id = args.Required(1, "the twin id");
        var alias = args.Required(2, "the alias");
        PrintTwin(await api.DeleteAsync($"api/vehicles/{Uri.EscapeDataString(id)}/aliases/{Uri.EscapeDataString(alias)}"));
        return 0;
    }

    /// <summary>
    /// <c>import &lt;registry.csv&gt;</c>: registers every row (<c>id,vin,aliases</c>, aliases separated by <c>|</c>) in
    /// requests of <see cref="ImportBatch"/> rows, with a progress bar; then the counts and one line per conflict or
    /// invalid row. Exit code 1 when any row was not taken.
    /// </summary>
    public async Task<int> ImportAsync(Arguments args, CancellationToken cancellationToken)
    {
        var path = args.Required(1, "the registry file");
        var rows = Registry.Read(path);
        var totals = new Dictionary<string, int>();
        var problems = new List<string>();
        using (var progress = new Output.Progress("rows", rows.Count))
        {
            foreach (var batch in rows.Chunk(ImportBatch))
            {
                var answer = await api.PostAsync("api/vehicles/registry",
                    batch.Select(r => new { id = r.Id, vin = r.Vin, aliases = r.Aliases }).ToList(), cancellationToken);
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
        }

        if (json)
        {
            Output.Json(new JsonObject(totals.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value)))
            {
                ["problems"] = new JsonArray([.. problems.Select(p => (JsonNode?)p)]),
            });
        }
        else
        {
            Console.WriteLine(string.Join(", ", new[] { "created", "linked", "merged", "unchanged", "conflict", "invalid" }
                .Select(o => $"{totals.GetValueOrDefault(o)} {o}")) + $" ({rows.Count} rows)");
            problems.ForEach(Console.WriteLine);
        }

        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>Rows per registry request (the server takes up to 10,000); smaller keeps the progress bar moving.</summary>
    private const int ImportBatch = 1000;

    /// <summary><c>search [filter] [--sort s] [--limit n] [--all]</c>: fleet search, a page or (with --all) every page.</summary>
    public async Task<int> SearchAsync(Arguments args)
    {
        var filter = string.Join(' ', args.Positional.Skip(1));
        var limit = args.Int("--limit") ?? (args.Has("--all") ? 500 : 50);
        var items = new List<JsonNode>();
        string? cursor = null;
        using (var progress = new Output.Progress("vehicles"))
        {
            do
            {
                var query = $"limit={limit}&filter={Uri.EscapeDataString(filter)}" + (args.Get("--sort") is { } sort ? $"&sort={Uri.EscapeDataString(sort)}" : "")
                    + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
                var page = await api.GetAsync($"api/vehicles?{query}");
                var pageItems = page["items"]!.AsArray().Select(i => i!).ToList();
                items.AddRange(pageItems);
                progress.Advance(pageItems.Count);
                cursor = page["nextCursor"]?.GetValue<string>();
            }
            while (cursor is not null && args.Has("--all"));
        }

        if (json)
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
    }

    /// <summary>
    /// <c>history &lt;id&gt; [reading] [--from t] [--to t] [--limit n] [--all]</c>: a twin's accepted readings of one kind
    /// (stateOfCharge by default) in source-time order, late ones marked; a page, or (with --all) every page.
    /// </summary>
    public async Task<int> HistoryAsync(Arguments args)
    {
        var id = Uri.EscapeDataString(args.Required(1, "the twin id"));
        var reading = args.Positional.ElementAtOrDefault(2) ?? "stateOfCharge";
        var items = await PagesAsync($"api/vehicles/{id}/history?reading={Uri.EscapeDataString(reading)}{Window(args)}", args);
        if (json)
        {
            Output.Json(new JsonArray([.. items.Select(i => i.DeepClone())]));
            return 0;
        }

        Output.Table(["AT", "KEY", "VALUE", "SOURCE", "", "DELIVERY"], items.Select(i => (IReadOnlyList<string>)
        [
            Output.Text(i, "at"), Output.Text(i, "key"), Describe(i), Output.Text(i, "source"),
            i["late"]?.GetValue<bool>() == true ? "late" : "", Output.Text(i, "deliveryId"),
        ]));
        Console.WriteLine($"{items.Count} {reading} readings");
        return 0;

        static string Describe(JsonNode i) => i["latitude"] is not null
            ? $"{Output.Text(i, "latitude")},{Output.Text(i, "longitude")}"
            : i["value"] is not null ? $"{Output.Text(i, "value")} {Output.Text(i, "unit")}".TrimEnd('-', ' ') : Output.Text(i, "state");
    }

    /// <summary><c>trips &lt;id&gt; [--from t] [--to t] [--limit n] [--all] [--track tripId]</c>: a twin's trips, or one trip's track.</summary>
    public async Task<int> TripsAsync(Arguments args)
    {
        var id = Uri.EscapeDataString(args.Required(1, "the twin id"));
        if (args.Get("--track") is { } tripId)
        {
            var track = await api.GetAsync($"api/vehicles/{id}/trips/{Uri.EscapeDataString(tripId)}/track");
            if (json)
            {
                Output.Json(track);
                return 0;
            }

            var coordinates = track["geometry"]!["coordinates"]!.AsArray();
            var times = track["properties"]!["times"]!.AsArray();
            Output.Table(["AT", "LAT", "LON"], coordinates.Select((c, n) => (IReadOnlyList<string>)
                [times[n]!.GetValue<string>(), c![1]!.ToString(), c[0]!.ToString()]));
            Console.WriteLine($"{coordinates.Count} positions");
            return 0;
        }

        var items = await PagesAsync($"api/vehicles/{id}/trips?{Window(args).TrimStart('&')}", args);
        if (json)
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
    }

    private static string Window(Arguments args) =>
        (args.Get("--from") is { } from ? $"&from={Uri.EscapeDataString(from)}" : "")
        + (args.Get("--to") is { } to ? $"&to={Uri.EscapeDataString(to)}" : "")
        + (args.Int("--limit") is { } limit ? $"&limit={limit}" : "");

    /// <summary>The items of a page, or of every page with --all (following nextCursor).</summary>
    private async Task<List<JsonNode>> PagesAsync(string path, Arguments args)
    {
        var items = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await api.GetAsync(cursor is null ? path : $"{path}&cursor={Uri.EscapeDataString(cursor)}");
            items.AddRange(page["items"]!.AsArray().Select(i => i!));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null && args.Has("--all"));
        return items;
    }

    /// <summary><c>watch [id] [--filter f]</c>: a twin's (or the fleet's) changes and notifications, live, one line each.</summary>
    public async Task<int> WatchAsync(Arguments args, CancellationToken cancellationToken)
    {
        var path = args.Positional.Count > 1
            ? $"api/vehicles/{Uri.EscapeDataString(args.Positional[1])}/watch"
            : $"api/fleet/watch?filter={Uri.EscapeDataString(args.Get("--filter") ?? "")}";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await api.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiException($"{(int)response.StatusCode} {response.ReasonPhrase}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? name = null;
        while (!cancellationToken.IsCancellationRequested && await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                var data = JsonNode.Parse(line[5..]);
                Console.WriteLine(json ? new JsonObject { ["event"] = name, ["data"] = data }.ToJsonString() : Describe(name, data));
            }
            else if (line.Length == 0)
            {
                name = null;
            }
        }

        return 0;
    }

    /// <summary><c>command &lt;id&gt; &lt;COMMAND&gt; [--arg k=v]... [--key-idempotency k] [--wait]</c>: sends a command, optionally follows it to its outcome.</summary>
    public async Task<int> CommandAsync(Arguments args, CancellationToken cancellationToken)
    {
        var id = Uri.EscapeDataString(args.Required(1, "the twin id"));
        var arguments = new JsonObject();
        foreach (var pair in args.All("--arg"))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                throw new UsageException($"--arg takes name=value, not '{pair}'");
            }

            arguments[pair[..equals]] = double.TryParse(pair[(equals + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? JsonValue.Create(number) : JsonValue.Create(pair[(equals + 1)..]);
        }

        var body = new JsonObject
        {
            ["command"] = args.Required(2, "the command (e.g. START_CHARGING)"),
            ["arguments"] = arguments,
            ["idempotencyKey"] = args.Get("--idempotency-key") ?? Guid.NewGuid().ToString("N"),
        };
        var command = await api.PostAsync($"api/vehicles/{id}/commands", body, cancellationToken);
        var commandId = command["id"]?.GetValue<string>();
        if (args.Has("--wait") && commandId is not null)
        {
            var clock = Stopwatch.StartNew();
            using var progress = new Output.Progress($"{commandId} waiting for its outcome (s)");
            while (!Terminal.Contains(Output.Text(command, "status")) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                progress.Advance();
                command = await api.GetAsync($"api/vehicles/{id}/commands/{Uri.EscapeDataString(commandId)}", cancellationToken);
            }
        }

        if (json)
        {
            Output.Json(command);
        }
        else
        {
            var last = command["history"] is JsonArray { Count: > 0 } history ? history[^1] : null;
            Output.Fields([("command", Output.Text(command, "command")), ("id", commandId ?? "-"), ("status", Output.Text(command, "status")),
                ("reason", Output.Text(last, "reason")), ("deadline", Output.Text(command, "deadline"))]);
        }

        return Output.Text(command, "status") is "FAILED" or "TIMED_OUT" ? 1 : 0;
    }

    /// <summary><c>parked list [--limit n]</c> and <c>parked replay [--limit n]</c>: AMQP messages parked with their reasons.</summary>
    public async Task<int> ParkedAsync(Arguments args)
    {
        var limit = args.Int("--limit");
        switch (args.Required(1, "list or replay"))
        {
            case "list":
                var parked = await api.GetAsync($"api/parked{(limit is null ? "" : $"?limit={limit}")}");
                if (json)
                {
                    Output.Json(parked);
                    return 0;
                }

                var now = DateTimeOffset.UtcNow;
                Output.Table(["MESSAGE", "TYPE", "QUEUE", "PARKED", "REASON"], parked.AsArray().Select(p => (IReadOnlyList<string>)
                [
                    Output.Text(p, "messageId"), Output.Text(p, "type"), Output.Text(p, "originalQueue"),
                    Output.Age(p?["parkedAt"]?.ToString(), now), Output.Text(p, "reason"),
                ]));
                return 0;
            case "replay":
                var replayed = await api.PostAsync($"api/parked/replay{(limit is null ? "" : $"?limit={limit}")}", null);
                Console.WriteLine(json ? replayed.ToJsonString() : $"replayed {Output.Text(replayed, "replayed")} messages to their queues");
                return 0;
            default:
                throw new UsageException("parked takes list or replay");
        }
    }

    private void PrintTwin(JsonNode twin)
    {
        if (json)
        {
            Output.Json(twin);
            return;
        }

        var now = DateTimeOffset.UtcNow;
        Output.Fields([("id", Output.Text(twin, "id")), ("vin", Output.Text(twin, "vin")), ("version", Output.Text(twin, "version")),
            ("online", Output.Text(twin, "online")), ("last seen", Output.Age(twin["lastSeenAt"]?.GetValue<string>(), now)),
            ("aliases", string.Join(", ", twin["aliases"]?.AsArray().Select(a => a?.GetValue<string>()) ?? []))]);
        Console.WriteLine();
        string[] readings = ["stateOfCharge", "range", "odometer", "location", "motion", "charging", "plug", "chargingTarget", "connectivity", "rental", "currentTrip"];
        Output.Table(["READING", "VALUE", "SOURCE", "AGE"], readings.Where(r => twin[r] is JsonObject).Select(r => (IReadOnlyList<string>)
        [
            r, Value(twin[r]!.AsObject()), Output.Text(twin[r], "source"), Output.Age(twin[r]!["at"]?.GetValue<string>(), now),
        ]));
        if (twin["activeAlerts"] is JsonArray { Count: > 0 } alerts)
        {
            Console.WriteLine($"\nactive alerts: {string.Join(", ", alerts.Select(a => a?.ToJsonString()))}");
        }
    }

    /// <summary>A reading's value as one short text: its fields other than time and source.</summary>
    private static string Value(JsonObject reading) => string.Join(" ", reading
        .Where(p => p.Key is not ("at" or "source") && p.Value is not null)
        .Select(p => p.Key is "value" or "state" ? Output.Text(reading, p.Key) : $"{p.Key}={Output.Text(reading, p.Key)}"));

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
