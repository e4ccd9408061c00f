// The FleetTwins fleet simulator.
//   print [--count N] [options]          writes deliveries as JSON lines {provider, target, id, body}
//   run --url URL [options]              drives a host: signed webhooks and tracker pushes over HTTP, INVERS messages
//                                        over AMQP; a live progress line, then the rate and answer latencies
//   registry [--vehicles N] [--seed S]   writes the simulated fleet's registry (CSV: id,vin,aliases) to stdout, for
//                                        `fleettwins import`; `--registry FILE` with print or run writes it there first
//   fill-invers <amqp uri> <queue> <count> [--vehicles N]
//                                        pre-fills a durable queue with INVERS messages (benchmarks)
// Options: --vehicles 1000  --seed 1  --providers volteras=4,telematica=2,tracker=2,invers=2  --rate 0 (as fast as
// --concurrency allows)  --duration 30 (s)  --concurrency 32  --duplicates 0.02  --reorder 0.05  --bursts 0.01
// --prefix /webhooks  --volteras-secret  --telematica-secret  --tracker-token  --amqp URI  --invers-queue NAME
// --start ISO-8601 (the fleet clock at the first delivery; default an hour ago)
using System.Text.Json;
using FleetTwins.Simulator;

var command = args.FirstOrDefault();
var options = Options.Parse(args.Skip(command is "fill-invers" ? 4 : 1));
try
{
    if (options.Registry is { } path && command is "print" or "run")
    {
        using var file = File.CreateText(path);
        new Fleet(options.Vehicles, options.Seed, DateTimeOffset.UtcNow).WriteRegistry(file);
    }

    return command switch
    {
        "registry" => Registry(options),
        "print" => Print(options),
        "run" => await new Runner(options).RunAsync(),
        "fill-invers" when args.Length >= 4 => await Amqp.FillAsync(args[1], args[2], int.Parse(args[3]), options),
        _ => Usage(),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return Usage();
}

static int Registry(Options options)
{
    new Fleet(options.Vehicles, options.Seed, DateTimeOffset.UtcNow).WriteRegistry(Console.Out);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: simulator print [--count N] | run --url URL | registry | fill-invers <amqp uri> <queue> <count>   [options; see the source's header]");
    return 2;
}

static int Print(Options options)
{
    using var stdout = Console.OpenStandardOutput();
    using var writer = new Utf8JsonWriter(stdout);
    foreach (var delivery in new Deliveries(options).Take(options.Count))
    {
        writer.WriteStartObject();
        writer.WriteString("provider", delivery.Provider);
        writer.WriteString("target", delivery.Target);
        writer.WriteString("id", delivery.Id);
        writer.WritePropertyName("body");
        writer.WriteRawValue(delivery.Body);
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset();
        stdout.Write("\n"u8);
    }

    return 0;
}
