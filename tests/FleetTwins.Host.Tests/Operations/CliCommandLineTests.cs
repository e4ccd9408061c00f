using System.Diagnostics;

namespace FleetTwins.Host.Tests.Operations;

/// <summary><c>tools/FleetTwins.Cli</c>'s command line alone: help, completions and wrong command lines, no host needed.</summary>
public sealed class CliCommandLineTests
{
    private static readonly string[] Verbs = ["get", "resolve", "search", "watch", "history", "trips", "command", "parked", "link", "unlink", "import"];

    [Fact]
    public async Task Help_lists_every_verb_with_its_description()
    {
        var help = await RunAsync("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage:\n  fleettwins [command] [options]", help.Output);
        foreach (var verb in Verbs)
        {
            Assert.Matches($@"(?m)^  {verb}( <[^>]+>)* {{2,}}\S", help.Output); // the verb, its arguments, then its description
        }

        var get = await RunAsync("get", "--help");
        Assert.Equal(0, get.ExitCode);
        Assert.Contains("fleettwins get <id> [options]", get.Output);
        Assert.Contains("--json", get.Output);
    }

    [Fact]
    public async Task An_unknown_option_is_named_with_the_usage_and_exit_code_2()
    {
        var wrong = await RunAsync("get", "car-1", "--no-such-option");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("Unrecognized command or argument '--no-such-option'", wrong.Error);
        Assert.Contains("fleettwins get <id> [options]", wrong.Error);
        Assert.Equal("", wrong.Output);

        var limit = await RunAsync("search", "--limit", "0");
        Assert.Equal(2, limit.ExitCode);
        Assert.Contains("--limit must be a positive number, not '0'", limit.Error);
    }

    [Fact]
    public async Task The_suggest_directive_completes_verbs_and_options()
    {
        var verbs = await RunAsync("[suggest:12]", "fleettwins p");
        Assert.Contains("parked", verbs.Output.Split('\n'));
        var options = await RunAsync("[suggest:20]", "fleettwins get x --j");
        Assert.Equal("--json", options.Output.Trim());
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var process = Process.Start(CliTests.StartInfo(args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
