using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Profiles;

/// <summary>Where the embedded profile keeps its data, and what it says about it at start-up.</summary>
public sealed class EmbeddedDataFileTests
{
    [Fact]
    public async Task The_default_data_file_is_created_under_the_working_directory_and_named_at_start_up()
    {
        var folder = HostProcess.NewDataFolder();
        try
        {
            // The default FleetTwins__DataPath (./data/fleettwins.db), resolved against the host's working directory.
            await using var host = await HostProcess.StartAsync(new Dictionary<string, string>(), workingDirectory: folder);
            var file = Path.Combine(folder, "data", "fleettwins.db");
            Assert.True(File.Exists(file), host.Output);
            Assert.Contains($"in SQLite {file} (synchronous=FULL)", host.Output);
            Assert.DoesNotContain("nothing survives a restart", host.Output);
            var ready = await host.Http.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains("\"sqlite\"", await ready.Content.ReadAsStringAsync());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task An_in_memory_data_path_warns_that_nothing_survives_a_restart()
    {
        await using var host = await HostProcess.StartAsync(new Dictionary<string, string> { ["FleetTwins__DataPath"] = ":memory:" });
        Assert.Contains("warn: FleetTwins.Host.Profiles.HostingProfile", host.Output);
        Assert.Contains("nothing survives a restart", host.Output);
    }

    [Fact]
    public async Task A_second_host_on_the_same_file_exits_1_naming_the_file_and_the_process_that_holds_it()
    {
        var folder = HostProcess.NewDataFolder();
        try
        {
            var settings = new Dictionary<string, string> { ["FleetTwins__DataPath"] = Path.Combine(folder, "fleettwins.db") };
            await using var first = await HostProcess.StartAsync(settings);

            var (exitCode, output) = await HostProcess.RunAsync(settings);

            Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
            AssertOneLineRefusal(output, $"Cannot start: {settings["FleetTwins__DataPath"]} is in use by another FleetTwins host (process ");
            Assert.Equal(HttpStatusCode.OK, (await first.Http.GetAsync("/health/ready")).StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_damaged_file_exits_1_with_what_is_wrong_and_what_to_do()
    {
        var folder = HostProcess.NewDataFolder();
        try
        {
            var settings = new Dictionary<string, string> { ["FleetTwins__DataPath"] = Path.Combine(folder, "fleettwins.db") };
            await using (var host = await HostProcess.StartAsync(settings))
            {
                await host.StopAsync();
            }

            using (var file = new FileStream(settings["FleetTwins__DataPath"], FileMode.Open))
            {
                file.SetLength(file.Length / 2);
            }

            var (exitCode, output) = await HostProcess.RunAsync(settings);

            Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
            AssertOneLineRefusal(output, $"Cannot start: {settings["FleetTwins__DataPath"]} is damaged");
            Assert.Contains("restore the last backup", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task While_the_file_cannot_be_written_readiness_says_so_and_deliveries_are_503_then_both_recover()
    {
        var folder = HostProcess.NewDataFolder();
        var file = Path.Combine(folder, "fleettwins.db");
        try
        {
            var settings = WebhookSender.Settings();
            settings["FleetTwins__DataPath"] = file;
            await using var host = await HostProcess.StartAsync(settings);
            var sender = new WebhookSender(host.Http);
            var vin = ApiKeys.NewVin();
            Assert.Equal(HttpStatusCode.OK, (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 40, DateTimeOffset.UtcNow.AddMinutes(-2)))).StatusCode);

            // Writes through the open files fail from now on, as on a full disk (reads still work).
            Chattr("+i", file + "-wal");
            try
            {
                await Eventually.ReturnsAsync(async () => (await host.Http.GetAsync("/health/ready")).StatusCode,
                    status => status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(15), "readiness reports the file unwritable");
                using var refused = await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 41, DateTimeOffset.UtcNow.AddMinutes(-1)), "msg_while_unwritable");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            }
            finally
            {
                Chattr("-i", file + "-wal");
            }

            await Eventually.ReturnsAsync(async () => (await host.Http.GetAsync("/health/ready")).StatusCode,
                status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(15), "readiness back once the file takes writes");
            using var retried = await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 41, DateTimeOffset.UtcNow.AddMinutes(-1)), "msg_while_unwritable");
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
            using var twin = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/vehicles/{vin}"));
            Assert.Equal(41, twin.RootElement.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
            Assert.Equal(2, twin.RootElement.GetProperty("version").GetInt64());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Marks a file immutable (root included); a machine without the attribute fails the test rather than skipping it.</summary>
    private static void Chattr(string flag, string path)
    {
        using var process = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"chattr {flag} {path}: {process.StandardError.ReadToEnd()}");
    }

    private static void AssertOneLineRefusal(string output, string start)
    {
        Assert.Single(output.Split('\n'), l => l.StartsWith(start, StringComparison.Ordinal));
        Assert.DoesNotContain(output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", output);
    }
}
