using System.Net;
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
}
