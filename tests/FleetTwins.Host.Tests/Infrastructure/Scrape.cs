using System.Globalization;
using System.Text.RegularExpressions;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>A host's <c>/metrics</c> (Prometheus text) and the series in it, matched by name and labels.</summary>
public static partial class Scrape
{
    public static Task<string> MetricsAsync(HostProcess host) => host.Http.GetStringAsync("/metrics");

    /// <summary>A series is present when a line starts with its name and has every label given (in any order).</summary>
    public static bool Present(string scrape, string series) => Lines(scrape, series).Any();

    /// <summary>The value of the first line of the series.</summary>
    public static double Value(string scrape, string series) => ValueOf(Lines(scrape, series).First());

    /// <summary>The values of every line of the series added up (0 when there is none): a counter over all its other labels.</summary>
    public static double Sum(string scrape, string series) => Lines(scrape, series).Sum(ValueOf);

    private static double ValueOf(string line) => double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);

    private static IEnumerable<string> Lines(string scrape, string series)
    {
        var brace = series.IndexOf('{');
        var name = brace < 0 ? series : series[..brace];
        var labels = brace < 0 ? [] : LabelPattern().Matches(series[brace..]).Select(m => m.Value).ToList();
        return scrape.Split('\n').Where(line => !line.StartsWith('#') && (line.StartsWith(name + "{", StringComparison.Ordinal)
                || line.StartsWith(name + " ", StringComparison.Ordinal) || (brace < 0 && line.StartsWith(name, StringComparison.Ordinal)))
            && labels.All(label => line.Contains(label, StringComparison.Ordinal)));
    }

    [GeneratedRegex("[a-z_]+=\"[^\"]*\"")]
    private static partial Regex LabelPattern();
}
