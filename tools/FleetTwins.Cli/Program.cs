// fleettwins — the FleetTwins command-line client (a dotnet tool).
using FleetTwins.Cli;

const string Usage = """
    usage: fleettwins <command> [options]      (--url, or FLEETTWINS_URL, default http://127.0.0.1:5080;
                                                --key, or FLEETTWINS_API_KEY; --json for JSON output)
      get <id>                                  a vehicle twin: readings with source and age
      resolve --vin V | --imei I | --provider P --id X
      search [filter] [--sort s] [--limit n] [--all]    e.g. search charging = CHARGING and soc < 20
      watch [id] [--filter f]                   live changes and notifications of a twin, or of the fleet
      history <id> [reading] [--from t] [--to t] [--limit n] [--all]   accepted readings (stateOfCharge, location, ...), late ones marked
      trips <id> [--from t] [--to t] [--limit n] [--all] | trips <id> --track <tripId>   trips with km, kWh, SOC used; a trip's positions
      command <id> <COMMAND> [--arg name=value]... [--idempotency-key k] [--wait]
      parked list [--limit n] | parked replay [--limit n]
      link <id> <alias> | unlink <id> <alias>   bind an alias (imei:..., invers:..., volteras:..., telematica:..., vin:...) to a twin, or unbind it
      import <registry.csv>                     registers a fleet: columns id,vin,aliases (aliases separated by |); idempotent
      simulate [simulator options]              drives the fleet simulator against --url (see tools/FleetTwins.Simulator);
                                                --registry out.csv writes the simulated fleet's registry first
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

if (args[0] == "simulate")
{
    // The simulator's own options; --url and --key default as for every command.
    var words = args.Skip(1).ToList();
    if (!words.Contains("--url"))
    {
        words.AddRange(["--url", Environment.GetEnvironmentVariable("FLEETTWINS_URL") ?? "http://127.0.0.1:5080"]);
    }

    try
    {
        var options = FleetTwins.Simulator.Options.Parse(words);
        if (options.Registry is { } path)
        {
            using var file = File.CreateText(path);
            new FleetTwins.Simulator.Fleet(options.Vehicles, options.Seed, DateTimeOffset.UtcNow).WriteRegistry(file);
        }

        return await new FleetTwins.Simulator.Runner(options).RunAsync();
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var parsed = new Arguments(args);
    var url = parsed.Get("--url") ?? Environment.GetEnvironmentVariable("FLEETTWINS_URL") ?? "http://127.0.0.1:5080";
    var command = parsed.Positional.FirstOrDefault() ?? throw new UsageException("no command given");
    var watching = command == "watch";
    using var api = new Api(url, parsed.Get("--key") ?? Environment.GetEnvironmentVariable("FLEETTWINS_API_KEY"),
        watching ? Timeout.InfiniteTimeSpan : null);
    var commands = new Commands(api, parsed.Has("--json"));
    return command switch
    {
        "get" => await commands.GetAsync(parsed),
        "resolve" => await commands.ResolveAsync(parsed),
        "search" => await commands.SearchAsync(parsed),
        "watch" => await commands.WatchAsync(parsed, cancel.Token),
        "history" => await commands.HistoryAsync(parsed),
        "trips" => await commands.TripsAsync(parsed),
        "command" => await commands.CommandAsync(parsed, cancel.Token),
        "parked" => await commands.ParkedAsync(parsed),
        "link" => await commands.LinkAsync(parsed),
        "unlink" => await commands.UnlinkAsync(parsed),
        "import" => await commands.ImportAsync(parsed, cancel.Token),
        var other => throw new UsageException($"unknown command '{other}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"fleettwins: {e.Message}\n\n{Usage}");
    return 2;
}
catch (ApiException e)
{
    Console.Error.WriteLine($"fleettwins: {e.Message}");
    return 1;
}
catch (HttpRequestException e)
{
    Console.Error.WriteLine($"fleettwins: cannot reach the server: {e.Message}");
    return 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    return 0;
}
