using System.CommandLine;
using FleetTwins.Simulator;

namespace FleetTwins.Cli.Commands;

/// <summary><c>simulate</c>: the fleet simulator in-process, against <c>--url</c>, with the simulator's own options.</summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var command = new Command("simulate",
            "Runs the fleet simulator against --url, with its live progress line. Its options (--vehicles, --rate, --duration, "
            + "--providers, ...) are the simulator's: tools/FleetTwins.Simulator/README.md; --registry out.csv first writes the "
            + "simulated fleet's registry, for import")
        {
            Verbs.Url,
        };
        // The simulator parses its own options, so they pass through unmatched.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async parsed =>
        {
            try
            {
                var options = Options.Parse([.. parsed.UnmatchedTokens, "--url", Verbs.ServerUrl(parsed)]);
                if (options.Registry is { } path)
                {
                    using var file = File.CreateText(path);
                    new Fleet(options.Vehicles, options.Seed, DateTimeOffset.UtcNow).WriteRegistry(file);
                }

                return await new Runner(options).RunAsync();
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        });
        return command;
    }
}
