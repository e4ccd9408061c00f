using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Operations;

/// <summary>The host's <c>data backup</c>, <c>data check</c> and <c>data recover</c> on the embedded profile's data file, run as an operator runs them.</summary>
public sealed class DataCommandTests
{
    [Fact]
    public async Task A_backup_taken_under_deliveries_holds_every_delivery_acknowledged_before_it_began()
    {
        var folder = HostProcess.NewDataFolder();
        try
        {
            var settings = WebhookSender.Settings();
            settings["FleetTwins__DataPath"] = Path.Combine(folder, "fleettwins.db");
            var backup = Path.Combine(folder, "backups", "copy.db");
            var vins = Enumerable.Range(0, 8).Select(_ => ApiKeys.NewVin()).ToArray();
            var acknowledged = new int[vins.Length];
            int[] beforeBackup;
            await using (var host = await HostProcess.StartAsync(settings))
            {
                var sender = new WebhookSender(host.Http);
                using var stop = new CancellationTokenSource();
                var start = DateTimeOffset.UtcNow.AddHours(-1);
                // One stream per vehicle, each delivery after the last was acknowledged: the test's own record of what the host owes.
                var streams = vins.Select((vin, i) => Task.Run(async () =>
                {
                    for (var n = 1; !stop.IsCancellationRequested; n++)
                    {
                        using var response = await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, n % 100, start.AddSeconds(n)));
                        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                        Volatile.Write(ref acknowledged[i], n);
                    }
                })).ToList();
                await Eventually.ReturnsAsync(() => Task.FromResult(acknowledged.Min()), n => n >= 5, TimeSpan.FromSeconds(30), "deliveries flow");

                beforeBackup = [.. acknowledged];
                var (exitCode, output) = await HostProcess.RunAsync(settings, "data", "backup", backup);
                var afterBackup = acknowledged.Sum();
                await stop.CancelAsync();
                await Task.WhenAll(streams);

                Assert.True(exitCode == 0, output);
                Assert.Contains($"Backed up {settings["FleetTwins__DataPath"]} to {backup}: ", output);
                Assert.True(afterBackup > beforeBackup.Sum(), "deliveries went on while the backup ran");
            }

            var onBackup = new Dictionary<string, string>(settings) { ["FleetTwins__DataPath"] = backup };
            var check = await HostProcess.RunAsync(onBackup, "data", "check");
            Assert.True(check.ExitCode == 0, check.Output);
            await using var restored = await HostProcess.StartAsync(onBackup);
            for (var i = 0; i < vins.Length; i++)
            {
                using var twin = JsonDocument.Parse(await restored.Http.GetStringAsync($"/api/vehicles/{vins[i]}"));
                var version = twin.RootElement.GetProperty("version").GetInt64();
                Assert.True(version >= beforeBackup[i], $"{vins[i]}: version {version}, {beforeBackup[i]} deliveries acknowledged before the backup");
                Assert.True(version <= acknowledged[i] + 1, $"{vins[i]}: version {version}, {acknowledged[i]} deliveries sent in all");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Data_check_answers_0_beside_a_running_host_1_for_a_damaged_file_2_for_no_file()
    {
        var folder = HostProcess.NewDataFolder();
        try
        {
            var settings = WebhookSender.Settings();
            settings["FleetTwins__DataPath"] = Path.Combine(folder, "fleettwins.db");
            await using (var host = await HostProcess.StartAsync(settings))
            {
                await DeliverAsync(host, vehicles: 10, each: 2);
                var healthy = await HostProcess.RunAsync(settings, "data", "check");
                Assert.True(healthy.ExitCode == 0, healthy.Output);
                Assert.Contains("integrity_check: ok", healthy.Output);
                Assert.Contains("Healthy.", healthy.Output);
            }

            Damage(settings["FleetTwins__DataPath"]);
            var damaged = await HostProcess.RunAsync(settings, "data", "check");
            Assert.True(damaged.ExitCode == 1, damaged.Output);
            Assert.Contains("problem: integrity_check: ", damaged.Output);

            var missing = await HostProcess.RunAsync(settings, "data", "check", Path.Combine(folder, "missing.db"));
            Assert.True(missing.ExitCode == 2, missing.Output);
            Assert.Contains($"Cannot check: {Path.Combine(folder, "missing.db")} does not exist", missing.Output);
            Assert.DoesNotContain("   at ", missing.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_damaged_file_is_refused_naming_data_recover_and_a_host_starts_on_what_it_recovers()
    {
        var folder = HostProcess.NewDataFolder();
        try
        {
            var settings = WebhookSender.Settings();
            var file = settings["FleetTwins__DataPath"] = Path.Combine(folder, "fleettwins.db");
            Dictionary<string, double> delivered;
            await using (var host = await HostProcess.StartAsync(settings))
            {
                delivered = await DeliverAsync(host, vehicles: 40, each: 3);
            }

            Damage(file);
            var damagedBytes = SHA256.HashData(await File.ReadAllBytesAsync(file));
            var refused = await HostProcess.RunAsync(settings);
            Assert.True(refused.ExitCode == 1, refused.Output);
            Assert.Contains("is damaged", refused.Output);
            Assert.Contains("data recover <file> <new-file>", refused.Output);

            var recovered = Path.Combine(folder, "recovered.db");
            var (exitCode, output) = await HostProcess.RunAsync(settings, "data", "recover", file, recovered);

            Assert.True(exitCode == 0, output);
            Assert.Contains($"Recovered {file} into {recovered}", output);
            Assert.Contains("  journal: ", output);
            Assert.Contains("  grain_state: ", output);
            Assert.Equal(damagedBytes, SHA256.HashData(await File.ReadAllBytesAsync(file)));
            await using var host2 = await HostProcess.StartAsync(new Dictionary<string, string>(settings) { ["FleetTwins__DataPath"] = recovered });
            var found = 0;
            foreach (var (vin, stateOfCharge) in delivered)
            {
                using var response = await host2.Http.GetAsync($"/api/vehicles/{vin}");
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    continue;
                }

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var twin = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.InRange(twin.RootElement.GetProperty("stateOfCharge").GetProperty("value").GetDouble(), stateOfCharge - 2, stateOfCharge);
                found++;
            }

            Assert.True(found > 0, output);
            // The recovered host takes deliveries like any other.
            await DeliverAsync(host2, vehicles: 1, each: 1);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Deliveries to new vehicles, round by round, each acknowledged; answers each vehicle's last state of charge.</summary>
    private static async Task<Dictionary<string, double>> DeliverAsync(HostProcess host, int vehicles, int each)
    {
        var sender = new WebhookSender(host.Http);
        var vins = Enumerable.Range(0, vehicles).Select(_ => ApiKeys.NewVin()).ToList();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        for (var n = 1; n <= each; n++)
        {
            var round = n;
            await Task.WhenAll(vins.Select(async vin =>
            {
                using var response = await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 50 + round, start.AddSeconds(round)));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }));
        }

        return vins.ToDictionary(vin => vin, _ => 50.0 + each);
    }

    /// <summary>Overwrites 4 KiB pages in the middle of a closed file with random bytes, as a failing disk would.</summary>
    private static void Damage(string path)
    {
        using var stream = new FileStream(path, FileMode.Open);
        var garbage = new byte[4 * 4096];
        new Random(7).NextBytes(garbage);
        stream.Position = stream.Length / 2 / 4096 * 4096;
        stream.Write(garbage);
    }
}
