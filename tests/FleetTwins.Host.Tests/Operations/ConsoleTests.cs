using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using FleetTwins.Host.Tests.Faults;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Simulator;
using SimulatorOptions = FleetTwins.Simulator.Options;

namespace FleetTwins.Host.Tests.Operations;

/// <summary>
/// The fleet console in headless Chromium (<c>src/FleetTwins.Console/e2e/console.e2e.mjs</c>, Playwright), offline, on a host
/// fed the simulator's fleet and one twin with every kind of reading: the table, the map and its bundled basemap, sorting,
/// the filter, a twin silent for hours shown offline, every section of a twin's detail; a command sent from the console
/// followed live to CONFIRMED, another to TIMED_OUT, and command-timed-out and vehicle-offline arriving live. Three
/// screenshots; with <c>FLEETTWINS_CONSOLE_SCREENSHOTS</c> set to a directory (docs/images) they are kept there.
/// </summary>
public sealed class ConsoleTests(ITestOutputHelper output)
{
    private const int Vehicles = 30;

    [Fact]
    public async Task The_console_shows_the_fleet_live_and_follows_a_command_it_sent_in_a_browser()
    {
        await using var queue = await AmqpQueue.CreateAsync();
        await using var receiver = await CommandReceiver.StartAsync();
        var settings = WebhookSender.Settings();
        settings["Commands__Dispatch__Webhooks__0__Url"] = receiver.Url;
        settings["Commands__Dispatch__Webhooks__0__Secret"] = CommandReceiver.Secret;
        settings["Commands__Timeout"] = "00:00:20";
        settings["Commands__CheckPeriod"] = "00:00:02";
        settings["Reminders__MinimumReminderPeriod"] = "00:00:01";
        settings["Notifications__OfflineDwell"] = "00:00:05";
        await using var host = await HostProcess.StartAsync(settings);
        var deliveries = new Deliveries(new SimulatorOptions
        {
            Vehicles = Vehicles,
            Seed = 77,
            Providers = [("volteras", 4), ("telematica", 2), ("tracker", 1)],
        }).Take(600).ToList();
        await new FleetSender(queue, () => [host]).SendAsync(deliveries);
        var sender = new WebhookSender(host.Http);
        var (vin, silentVin) = (ApiKeys.NewVin(), ApiKeys.NewVin());
        await FeedEveryKindOfReadingAsync(host, sender, vin);
        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(silentVin, 55, DateTimeOffset.UtcNow.AddHours(-3)))).StatusCode);

        var shots = Directory.CreateTempSubdirectory("fleettwins-console-").FullName;
        using var browser = StartBrowser(host, shots, vin, silentVin);
        var lines = new List<string>();
        var said = Channel.CreateUnbounded<string>();
        browser.OutputDataReceived += (_, e) => Record(lines, e.Data, said);
        browser.ErrorDataReceived += (_, e) => Record(lines, e.Data, null);
        browser.BeginOutputReadLine();
        browser.BeginErrorReadLine();

        // The browser says what it did; the provider answers as it would.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var exited = browser.WaitForExitAsync(timeout.Token);
        await foreach (var line in said.Reader.ReadAllAsync(timeout.Token))
        {
            if (line.StartsWith("COMMAND ", StringComparison.Ordinal))
            {
                var command = await host.Http.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vin}/commands/{line["COMMAND ".Length..]}");
                var providerCommandId = command.GetProperty("providerCommandId").GetString();
                var updated = $$"""{"id":"{{providerCommandId}}","deviceType":"VEHICLE","deviceId":"vt-{{vin}}","command":"START_CHARGING","status":"EXECUTED","failedReason":null}""";
                Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("command.updated", Encoding.UTF8.GetBytes(updated))).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", ApiKeys.ChargingState(vin, "CHARGING", DateTimeOffset.UtcNow.AddSeconds(1)))).StatusCode);
            }
            else if (line.StartsWith("LOCK ", StringComparison.Ordinal))
            {
                // Stamped (svix-timestamp, whole seconds) after the charging reading, which it must be newer than.
                var disconnected = Encoding.UTF8.GetBytes($$"""{"id":"vt-{{vin}}","deviceType":"VEHICLE"}""");
                Assert.Equal(HttpStatusCode.OK, (await sender.SignedAsync("/webhooks/volteras/device.disconnected", WebhookSender.VolterasSecret, disconnected,
                    timestamp: DateTimeOffset.UtcNow.AddSeconds(2))).StatusCode);
            }
            else if (line is "OK" or "FAILED")
            {
                break;
            }
        }

        await exited;
        var log = string.Join('\n', Snapshot(lines));
        output.WriteLine(log);
        Assert.True(browser.ExitCode == 0, $"the browser check failed:\n{log}\n{host.Output}");
        // A VIN twin per simulated vehicle at least (and the trackers' IMEI twins), in the table and on the map.
        var shown = Regex.Match(log, @"TABLE (\d+) MARKERS (\d+)");
        Assert.True(shown.Success && int.Parse(shown.Groups[1].Value) > Vehicles && int.Parse(shown.Groups[2].Value) >= Vehicles, log);
        Assert.Contains("CONFIRMED live", log);
        Assert.Contains("TIMED_OUT and OFFLINE live", log);
        Assert.Single(receiver.Received, r => r.Body.GetProperty("command").GetString() == "START_CHARGING");

        // The screenshots: PNGs of the whole 1400x900 window, with content (a blank page compresses to a few KB).
        var keep = Environment.GetEnvironmentVariable("FLEETTWINS_CONSOLE_SCREENSHOTS");
        foreach (var name in new[] { "console.png", "console-detail.png", "console-command.png" })
        {
            var png = await File.ReadAllBytesAsync(Path.Combine(shots, name));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            Assert.Equal(1400, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
            Assert.Equal(900, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
            Assert.True(png.Length > 40_000, $"{name} is only {png.Length} bytes");
            if (!string.IsNullOrEmpty(keep))
            {
                File.Copy(Path.Combine(shots, name), Path.Combine(keep, name), overwrite: true);
            }
        }

        Directory.Delete(shots, recursive: true);
    }

    /// <summary>
    /// One twin with every section of the detail filled: readings, four tires (one low), charging details, departures, an
    /// active OEM alert and a cleared one, a tracker's overspeed and geofence (its IMEI registered to the twin).
    /// </summary>
    private static async Task FeedEveryKindOfReadingAsync(HostProcess host, WebhookSender sender, string vin)
    {
        var imei = $"35061207{Random.Shared.Next(1_000_000, 9_999_999)}";
        (await host.Http.PutAsJsonAsync($"/api/vehicles/{vin}", new { vin, aliases = new[] { $"imei:{imei}", $"volteras:vt-{vin}" } })).EnsureSuccessStatusCode();
        var at = DateTimeOffset.UtcNow.AddMinutes(-4);
        string Telemetry(string metric, string fields) =>
            $$"""{"metricType":"{{metric}}","vehicle":{"id":"vt-{{vin}}","vin":"{{vin}}"},"timestamp":"{{at:O}}",{{fields}}}""";
        string[] telemetry =
        [
            Telemetry("STATE_OF_CHARGE", """ "stateOfCharge":{"unit":"percent","value":63} """),
            Telemetry("ODOMETER", """ "odometer":{"unit":"km","value":45230.5} """),
            Telemetry("RANGE", """ "range":{"unit":"km","value":251.2} """),
            Telemetry("LOCATION", """ "location":{"unit":"degree","value":{"latitude":52.5163,"longitude":13.3777}} """),
            Telemetry("CHARGING_STATE", """ "state":"NOT_CHARGING" """),
            Telemetry("TIRES", """ "pressure":{"unit":"KPA","value":172.4},"position":"FRONT_LEFT" """),
            Telemetry("TIRES", """ "pressure":{"unit":"KPA","value":238.0},"position":"FRONT_RIGHT" """),
            Telemetry("TIRES", """ "pressure":{"unit":"bar","value":2.4},"position":"REAR_LEFT" """),
            Telemetry("TIRES", """ "pressure":{"unit":"KPA","value":240.5},"position":"REAR_RIGHT" """),
            Telemetry("OEM_ALERT", """ "oemAlert":{"status":"ACTIVE","oemCode":"BMS_001","oemMessage":"Battery management system fault detected","mappedMessage":"Battery system requires service","severity":"HIGH","mappedCode":"BATTERY_MONITORING_FAILED","affectedComponent":"BATTERY","recommendedAction":"SERVICE_REQUIRED","type":"FAULT"} """),
            Telemetry("OEM_ALERT", """ "oemAlert":{"status":"CLEARED","oemCode":"BRAKE_042","oemMessage":"Brake pad wear","severity":"MEDIUM"} """),
            Telemetry("DEPARTURE_TIMES", """ "departureTimes":[{"hour":8,"minute":30,"daysOfWeek":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY","FRIDAY"],"localTimeOffset":60}] """),
            Telemetry("OTHER_CHARGING_DATA", """ "data":[{"key":"maxStateOfCharge","unit":"percent","value":90.0},{"key":"chargeRemainingTime","unit":"minutes","value":45},{"key":"chargePowerLevel","unit":"kw","value":11.0},{"key":"chargeCurrentLimit","unit":"amps","value":32.0},{"key":"chargePortDoorOpen","unit":"boolean","value":false},{"key":"chargePortLatch","value":"ENGAGED"}] """),
        ];
        foreach (var body in telemetry)
        {
            var response = await sender.VolterasAsync("device.telemetry", Encoding.UTF8.GetBytes(body));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{body}: {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.connected", Encoding.UTF8.GetBytes($$"""{"id":"vt-{{vin}}","deviceType":"VEHICLE"}"""))).StatusCode);
        var device = at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff+0000", CultureInfo.InvariantCulture);
        foreach (var (kind, changes) in new[] { ("geofence_enter", 0), ("overspeed", 118) })
        {
            var push = $$"""{"Event":"{{kind}}","Changes":{{changes}},"IMEI":"{{imei}}","Device_Time":"{{device}}","Server_Time":"{{device}}","Coordinates":"52.5163,13.3777","Location":"Pariser Platz, Berlin","Geofence_Name":"Depot"}""";
            (await sender.TrackerAsync(Encoding.UTF8.GetBytes(push))).EnsureSuccessStatusCode();
        }
    }

    private static void Record(List<string> lines, string? line, Channel<string>? said)
    {
        if (line is null)
        {
            said?.Writer.TryComplete(); // the browser's output ended
            return;
        }

        lock (lines)
        {
            lines.Add(line);
        }

        said?.Writer.TryWrite(line);
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    private static Process StartBrowser(HostProcess host, string shots, string twin, string silentTwin)
    {
        var console = Path.Combine(HostProcess.RepositoryRoot, "src", "FleetTwins.Console");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = console,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine("e2e", "console.e2e.mjs"), $"http://127.0.0.1:{host.HttpPort}", shots, Vehicles.ToString(), twin, silentTwin })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}
