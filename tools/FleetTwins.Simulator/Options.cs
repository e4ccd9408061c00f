using System.Globalization;

namespace FleetTwins.Simulator;

/// <summary>The simulator's settings, from <c>--name value</c> pairs.</summary>
public sealed record Options
{
    public int Vehicles { get; init; } = 1000;
    public int Seed { get; init; } = 1;
    public int Count { get; init; } = 100;
    public IReadOnlyList<(string Provider, int Weight)> Providers { get; init; } = [("volteras", 4), ("telematica", 2), ("tracker", 2), ("invers", 2)];
    public double Rate { get; init; }
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);
    public int Concurrency { get; init; } = 32;
    public double Duplicates { get; init; } = 0.02;
    public double Reorder { get; init; } = 0.05;
    public double Bursts { get; init; } = 0.01;
    public string? Url { get; init; }
    public string Prefix { get; init; } = "/webhooks";
    public string VolterasSecret { get; init; } = "whsec_c2ltdWxhdG9yLXZvbHRlcmFzLXNlY3JldC0wMDE=";
    public string TelematicaSecret { get; init; } = "whsec_c2ltdWxhdG9yLXRlbGVtYXRpY2Etc2VjcmV0LTE=";
    public string TrackerToken { get; init; } = "simulator-tracker-token-0001";
    public string? Amqp { get; init; }
    public string InversQueue { get; init; } = "invers.simulator";

    /// <summary>
    /// The fleet's clock at the first delivery (each advances it 1 ms); default an hour ago. A second run against the
    /// same twins starts after the first one's last reading, so that its readings are not older than what they hold.
    /// </summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>Where to write the simulated fleet's registry (CSV) before anything is sent.</summary>
    public string? Registry { get; init; }

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!e.MoveNext())
            {
                throw new ArgumentException($"{name} needs a value");
            }

            var value = e.Current;
            options = name switch
            {
                "--vehicles" => options with { Vehicles = Positive(name, value) },
                "--seed" => options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--count" => options with { Count = Positive(name, value) },
                "--providers" => options with { Providers = [.. value.Split(',').Select(Weight)] },
                "--rate" => options with { Rate = double.Parse(value, CultureInfo.InvariantCulture) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--concurrency" => options with { Concurrency = Positive(name, value) },
                "--duplicates" => options with { Duplicates = Probability(name, value) },
                "--reorder" => options with { Reorder = Probability(name, value) },
                "--bursts" => options with { Bursts = Probability(name, value) },
                "--url" => options with { Url = value.TrimEnd('/') },
                "--prefix" => options with { Prefix = value.TrimEnd('/') },
                "--volteras-secret" => options with { VolterasSecret = value },
                "--telematica-secret" => options with { TelematicaSecret = value },
                "--tracker-token" => options with { TrackerToken = value },
                "--amqp" => options with { Amqp = value },
                "--invers-queue" => options with { InversQueue = value },
                "--registry" => options with { Registry = value },
                "--start" => options with { Start = DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        return options;
    }

    private static (string, int) Weight(string pair)
    {
        var parts = pair.Split('=');
        var provider = parts[0].Trim();
        if (provider is not ("volteras" or "telematica" or "tracker" or "invers"))
        {
            throw new ArgumentException($"--providers: '{provider}' is not volteras, telematica, tracker or invers");
        }

        return (provider, parts.Length > 1 ? Positive("--providers", parts[1]) : 1);
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive whole number");

    private static double Probability(string name, string value) =>
        double.TryParse(value, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 1 ? p : throw new ArgumentException($"{name} is a probability, 0 to 1");
}
