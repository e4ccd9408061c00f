using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FleetTwins.Host.Tests.Amqp;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Operations;

/// <summary><c>tools/FleetTwins.Cli</c> run as its users run it, against a real host.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task The_cli_reads_searches_watches_commands_and_replays_parked_messages()
    {
        await using var queue = await AmqpQueue.CreateAsync();
        await using var host = await HostProcess.StartAsync(ApiKeys.AddTo(InversAmqpTests.Settings(queue, WebhookSender.Settings())));
        var sender = new WebhookSender(host.Http);
        var vin = ApiKeys.NewVin();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 64.5, at))).StatusCode);

        // get: every reading with its source and age, as a table; --json is the API's document.
        var get = await RunAsync(host, "get", vin);
        Assert.Equal(0, get.ExitCode);
        Assert.Matches(@"stateOfCharge\s+64\.5 unit=percent\s+volteras\s+5 min", get.Output);
        var twin = JsonDocument.Parse((await RunAsync(host, "get", vin, "--json")).Output).RootElement;
        Assert.Equal(64.5, twin.GetProperty("stateOfCharge").GetProperty("value").GetDouble());

        Assert.Contains($"id         {vin}", (await RunAsync(host, "resolve", "--vin", vin)).Output);

        // search: the filter language, JSON out.
        var found = await Eventually.ReturnsAsync(async () => (await RunAsync(host, "search", "soc", ">", "64", "and", "vin", "=", vin, "--json")).Output,
            output => output.Contains(vin), TimeSpan.FromSeconds(20), "the vehicle in a search");
        Assert.Single(JsonDocument.Parse(found).RootElement.EnumerateArray());

        // watch: live, one readable line per change and notification.
        using var watch = Start(host, "watch", vin);
        var lines = new List<string>();
        watch.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            }
        };
        watch.BeginOutputReadLine();
        // The watch starts with the twin as it is (v1), sent once the watcher is registered: from then on it sees changes.
        await Eventually.ReturnsAsync(() => Task.FromResult(Snapshot(lines)), l => l.Any(x => x.Contains($"{vin} v1")), TimeSpan.FromSeconds(20), "the watch started");
        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", ApiKeys.ChargingState(vin, "CHARGING", at.AddMinutes(1)))).StatusCode);
        await Eventually.ReturnsAsync(() => Task.FromResult(Snapshot(lines)), l => l.Any(x => x.Contains("charging-started")), TimeSpan.FromSeconds(20), "the notification watched");
        watch.Kill();
        Assert.Contains(Snapshot(lines), l => l.Contains($"{vin} v2") && l.Contains("charging CHARGING"));

        // command: sent, PENDING until the vehicle reports.
        var command = JsonDocument.Parse((await RunAsync(host, "command", vin, "START_CHARGING", "--arg", "targetSoc=80", "--json")).Output).RootElement;
        Assert.Equal("PENDING", command.GetProperty("status").GetString());
        Assert.Equal(80, command.GetProperty("arguments").GetProperty("targetSoc").GetDouble());

        // parked: an unparseable INVERS message, listed with its reason, replayed to its queue.
        await queue.PublishAsync("{not json", "broken-1", "VehicleStateRecorded", 2);
        var parked = await Eventually.ReturnsAsync(async () => (await RunAsync(host, "parked", "list", "--json")).Output,
            output => output.Contains("broken-1"), TimeSpan.FromSeconds(20), "the message parked");
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(parked).RootElement[0].GetProperty("reason").GetString()));
        Assert.Contains("replayed 1 messages", (await RunAsync(host, "parked", "replay")).Output);

        // Errors: the server's reason and exit code 1; a wrong command line, the usage and 2.
        var missing = await RunAsync(host, "get", "no-such-twin");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("404", missing.Error);
        var forbidden = await RunWithKeyAsync(host, ApiKeys.ReadOnly, "parked", "list");
        Assert.Equal(1, forbidden.ExitCode);
        Assert.Contains("403", forbidden.Error);
        var usage = await RunAsync(host, "resolve");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("Usage:\n  fleettwins resolve [options]", usage.Error);
    }

    [Fact]
    public async Task The_cli_lists_a_twins_history_and_trips_and_a_trips_track()
    {
        await using var host = await HostProcess.StartAsync(ApiKeys.AddTo(WebhookSender.Settings()));
        var sender = new WebhookSender(host.Http);
        var vin = ApiKeys.NewVin();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        foreach (var (soc, minute) in new[] { (81.5, 0), (79.0, 20), (80.0, 10) })
        {
            (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, soc, start.AddMinutes(minute)))).EnsureSuccessStatusCode();
        }

        (await sender.VolterasAsync("device.telemetry", Api.HistoryApiTests.Location(vin, 37.7801, -122.4101, start.AddMinutes(5)))).EnsureSuccessStatusCode();
        (await sender.VolterasAsync("journey.updated", Api.HistoryApiTests.Journey(vin, $"j-{vin}", start, start.AddMinutes(35)))).EnsureSuccessStatusCode();

        var history = await RunAsync(host, "history", vin, "--limit", "2", "--all");
        Assert.Equal(0, history.ExitCode);
        var rows = history.Output.Split('\n').Where(l => l.Contains("volteras")).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Matches(@"81\.5 percent\s+volteras\s+volteras:", rows[0]);
        Assert.Matches(@"80 percent\s+volteras\s+late", rows[1]);
        Assert.Contains("3 stateOfCharge readings", history.Output);
        var json = JsonDocument.Parse((await RunAsync(host, "history", vin, "location", "--json")).Output).RootElement;
        Assert.Equal(37.7801, Assert.Single(json.EnumerateArray()).GetProperty("latitude").GetDouble());

        var trips = await RunAsync(host, "trips", vin);
        Assert.Equal(0, trips.ExitCode);
        Assert.Matches($@"j-{vin}\s+\S+\s+\S+\s+25\.5\s+5\.2\s+8\s+1\s+volteras", trips.Output);
        var track = await RunAsync(host, "trips", vin, "--track", $"j-{vin}");
        Assert.Matches(@"37\.7801\s+-122\.4101", track.Output);
        Assert.Contains("1 positions", track.Output);

        var bad = await RunAsync(host, "history", vin, "nonsense");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("reading is one of", bad.Output + bad.Error);
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    internal static Task<(int ExitCode, string Output, string Error)> RunAsync(HostProcess host, params string[] args) =>
        RunWithKeyAsync(host, ApiKeys.All, args);

    private static async Task<(int ExitCode, string Output, string Error)> RunWithKeyAsync(HostProcess host, string key, params string[] args)
    {
        using var process = StartWithKey(host, key, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private static Process Start(HostProcess host, params string[] args) => StartWithKey(host, ApiKeys.All, args);

    private static Process StartWithKey(HostProcess host, string key, string[] args)
    {
        var start = StartInfo(args);
        start.Environment["FLEETTWINS_URL"] = $"http://127.0.0.1:{host.HttpPort}";
        start.Environment["FLEETTWINS_API_KEY"] = key;
        return Process.Start(start)!;
    }

    /// <summary>The CLI as built beside these tests (same configuration and framework), its output redirected.</summary>
    internal static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var cli = Path.Combine(HostProcess.RepositoryRoot, "tools", "FleetTwins.Cli", "bin", testOutput.Parent!.Name, testOutput.Name, "FleetTwins.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
