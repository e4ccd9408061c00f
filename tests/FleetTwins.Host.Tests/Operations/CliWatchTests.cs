using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Operations;

/// <summary><c>fleettwins watch</c> across a host restart: one line on stderr, then the watch goes on.</summary>
public sealed class CliWatchTests
{
    [Fact]
    public async Task The_cli_watch_resumes_after_a_host_restart_with_one_notice_and_no_stack_trace()
    {
        var data = HostProcess.NewDataFolder();
        var settings = ApiKeys.AddTo(WebhookSender.Settings());
        settings["FleetTwins__DataPath"] = Path.Combine(data, "fleettwins.db");
        // The CLI keeps one address while the host behind it restarts on new ports.
        await using var relay = new Relay();
        var vin = ApiKeys.NewVin();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        Process? watch = null;
        var output = new List<string>();
        var errors = new List<string>();
        try
        {
            await using (var first = await HostProcess.StartAsync(settings))
            {
                relay.Target = first.HttpPort;
                (await new WebhookSender(first.Http).VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 61, at))).EnsureSuccessStatusCode();
                var start = CliTests.StartInfo(["watch", vin]);
                start.Environment["FLEETTWINS_URL"] = $"http://127.0.0.1:{relay.Port}";
                start.Environment["FLEETTWINS_API_KEY"] = ApiKeys.All;
                watch = Process.Start(start)!;
                watch.OutputDataReceived += (_, e) => Collect(output, e.Data);
                watch.ErrorDataReceived += (_, e) => Collect(errors, e.Data);
                watch.BeginOutputReadLine();
                watch.BeginErrorReadLine();
                await Eventually.ReturnsAsync(() => Task.FromResult(Snapshot(output)), l => l.Any(x => x.Contains($"{vin} v1")), TimeSpan.FromSeconds(20), "the watch started");
            }

            await using var second = await HostProcess.StartAsync(settings);
            relay.Target = second.HttpPort;
            (await new WebhookSender(second.Http).VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 62, at.AddMinutes(1)))).EnsureSuccessStatusCode();
            await Eventually.ReturnsAsync(() => Task.FromResult(Snapshot(output)), l => l.Any(x => x.Contains($"{vin} v2")), TimeSpan.FromSeconds(30),
                $"the watch resumed on the restarted host (stdout: {string.Join(" | ", Snapshot(output))}; stderr: {string.Join(" | ", Snapshot(errors))})");

            Assert.False(watch.HasExited, "the watch ended");
            var notice = Assert.Single(Snapshot(errors));
            Assert.StartsWith("fleettwins:", notice);
            Assert.DoesNotContain("Exception", notice);
            // The twin's state before the restart is not shown twice: the watch resumed after the last event it saw.
            Assert.Single(Snapshot(output), l => l.Contains($"{vin} v1"));
        }
        finally
        {
            if (watch is not null)
            {
                if (!watch.HasExited)
                {
                    watch.Kill();
                }

                watch.Dispose();
            }

            Directory.Delete(data, recursive: true);
        }
    }

    private static void Collect(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    /// <summary>A loopback TCP relay to whichever port <see cref="Target"/> names; a connection it cannot relay is closed.</summary>
    private sealed class Relay : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, FreePorts.Next());
        private readonly CancellationTokenSource stop = new();
        private readonly Task accepting;

        public Relay()
        {
            listener.Start();
            accepting = AcceptAsync();
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public int Target { get; set; }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Stop();
            await accepting;
            stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    _ = RelayAsync(await listener.AcceptTcpClientAsync(stop.Token));
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        }

        private async Task RelayAsync(TcpClient client)
        {
            using (client)
            using (var server = new TcpClient())
            {
                try
                {
                    await server.ConnectAsync(IPAddress.Loopback, Target, stop.Token);
                    var a = client.GetStream();
                    var b = server.GetStream();
                    // Either side closing ends both, as a restarting host's connections end.
                    await Task.WhenAny(a.CopyToAsync(b, stop.Token), b.CopyToAsync(a, stop.Token));
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
                {
                    // The host is down: the client sees its connection closed, as it would without the relay.
                }
            }
        }
    }
}
