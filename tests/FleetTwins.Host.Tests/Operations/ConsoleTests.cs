using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using FleetTwins.Host.Tests.Faults;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Simulator;
using SimulatorOptions = FleetTwins.Simulator.Options;

namespace FleetTwins.Host.Tests.Operations;

/// <summary>
/// The fleet console in headless Chromium (<c>src/FleetTwins.Console/e2e/console.e2e.mjs</c>, Playwright) on a host
/// fed the simulator's fleet: the table and the map show it, sorting and the search filter work, a twin's detail
/// shows its readings and receives a notification live, the ingestion panel fills in; and a screenshot is taken.
/// </summary>
public sealed class ConsoleTests(ITestOutputHelper output)
{
    private const int Vehicles = 30;

    [Fact]
    public async Task The_console_shows_the_fleet_live_in_a_browser()
    {
        await using var queue = await AmqpQueue.CreateAsync();
        await using var host = await HostProcess.StartAsync(WebhookSender.Settings());
        var deliveries = new Deliveries(new SimulatorOptions
        {
            Vehicles = Vehicles,
            Seed = 77,
            Providers = [("volteras", 4), ("telematica", 2), ("tracker", 1)],
        }).Take(600).ToList();
        await new FleetSender(queue, () => [host]).SendAsync(deliveries);

        var screenshot = Path.Combine(Path.GetTempPath(), $"fleettwins-console-{Guid.NewGuid():N}.png");
        using var browser = StartBrowser(host, screenshot);
        var lines = new List<string>();
        var detail = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        browser.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(line);
            }

            if (line.StartsWith("DETAIL ", StringComparison.Ordinal))
            {
                detail.TrySetResult(line["DETAIL ".Length..]);
            }
        };
        browser.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            }
        };
        browser.BeginOutputReadLine();
        browser.BeginErrorReadLine();

        // While the twin is open in the browser, it starts charging: the notification must appear there, live.
        if (await Task.WhenAny(detail.Task, browser.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120))) != detail.Task)
        {
            Assert.Fail($"the browser did not open a twin:\n{string.Join('\n', Snapshot(lines))}");
        }

        var vin = await detail.Task;
        var sender = new WebhookSender(host.Http);
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", ApiKeys.ChargingState(vin, "NOT_CHARGING", now))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", ApiKeys.ChargingState(vin, "CHARGING", now.AddSeconds(1)))).StatusCode);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await browser.WaitForExitAsync(timeout.Token);
        var log = string.Join('\n', Snapshot(lines));
        output.WriteLine(log);
        Assert.True(browser.ExitCode == 0, $"the browser check failed:\n{log}");
        // A VIN twin per simulated vehicle at least (and the trackers' IMEI twins), in the table and on the map.
        var shown = System.Text.RegularExpressions.Regex.Match(log, @"TABLE (\d+) MARKERS (\d+)");
        Assert.True(shown.Success && int.Parse(shown.Groups[1].Value) > Vehicles && int.Parse(shown.Groups[2].Value) >= Vehicles, log);
        Assert.Contains("LIVE notification arrived", log);

        // The screenshot: a PNG of the whole 1400x900 window, with content (a blank page compresses to a few KB).
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Equal(1400, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(900, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        Assert.True(png.Length > 40_000, $"the screenshot is only {png.Length} bytes");
        File.Delete(screenshot);
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    private static Process StartBrowser(HostProcess host, string screenshot)
    {
        var console = Path.Combine(HostProcess.RepositoryRoot, "src", "FleetTwins.Console");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = console,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine("e2e", "console.e2e.mjs"), $"http://127.0.0.1:{host.HttpPort}", screenshot, Vehicles.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}
