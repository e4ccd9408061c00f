using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>
/// The real FleetTwins host (<c>dotnet FleetTwins.Host.dll</c>) started as its own process on free loopback
/// ports: a silo as an operator runs it, which a test can stop gracefully or kill.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private static readonly string[] InheritedPrefixes = ["FleetTwins__", "ConnectionStrings__", "Kestrel__", "Ingestion__", "Api__"];

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private string? dataFolder;

    private HostProcess(Process process, int httpPort, int grpcPort)
    {
        this.process = process;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int HttpPort { get; }

    public int GrpcPort { get; }

    public HttpClient Http { get; }

    public bool HasExited => process.HasExited;

    /// <summary>The host's resident memory now (VmRSS), in bytes: what a memory ceiling is measured against.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>The last lines the host wrote, for failure messages.</summary>
    public string Output => string.Join('\n', output);

    /// <summary>Starts the host with the given settings (as environment variables) and waits until it is ready.</summary>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan? readyWithin = null,
        string? workingDirectory = null)
    {
        var host = Launch(settings, args: [], workingDirectory);
        await host.WaitUntilReadyAsync(readyWithin ?? TimeSpan.FromSeconds(60));
        return host;
    }

    /// <summary>Runs the host with arguments (e.g. <c>migrate</c>) to completion; answers its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        await using var host = Launch(settings, args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.process.WaitForExitAsync(timeout.Token);
        return (host.process.ExitCode, host.Output);
    }

    /// <summary>Asks the host to shut down (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (!process.HasExited)
        {
            _ = Kill(process.Id, 15);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    /// <summary>Ends the host at once (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }

        Http.Dispose();
        process.Dispose();
        if (dataFolder is not null && Directory.Exists(dataFolder))
        {
            Directory.Delete(dataFolder, recursive: true);
        }
    }

    /// <summary>
    /// Gives <paramref name="settings"/> silo and gateway ports of their own, so that a cluster silo started again with them
    /// comes back at the same address, as a service manager restarts it in place: Orleans declares the dead incarnation
    /// (same address, older generation) dead at once, where a silo at a new address waits until the dead one has
    /// missed three I-am-alive updates (about 30 s; docs/RELIABILITY.md, "The only silo killed").
    /// </summary>
    public static Dictionary<string, string> InPlace(Dictionary<string, string> settings)
    {
        settings["FleetTwins__Silo__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        settings["FleetTwins__Silo__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>A fresh folder for a host's data file; the caller deletes it (a restart test keeps one across two hosts).</summary>
    public static string NewDataFolder() => Directory.CreateTempSubdirectory("fleettwins-data-").FullName;

    private static HostProcess Launch(IReadOnlyDictionary<string, string> settings, string[] args, string? workingDirectory = null)
    {
        var directory = HostOutputDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(directory, "FleetTwins.Host.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => InheritedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || k == "ASPNETCORE_URLS").ToList())
        {
            start.Environment.Remove(key);
        }

        var httpPort = FreePorts.Next();
        var grpcPort = FreePorts.Next();
        start.Environment["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{grpcPort}";
        start.Environment["FleetTwins__Silo__SiloPort"] = FreePorts.Next().ToString();
        start.Environment["FleetTwins__Silo__GatewayPort"] = FreePorts.Next().ToString();
        start.Environment["Logging__Console__FormatterName"] = "simple";
        // Each embedded host on a data file of its own (the default profile, as a user runs it), deleted with the host;
        // a test that restarts on the same file names it.
        string? dataFolder = null;
        if (!settings.ContainsKey("FleetTwins__DataPath") && workingDirectory is null)
        {
            dataFolder = NewDataFolder();
            start.Environment["FleetTwins__DataPath"] = Path.Combine(dataFolder, "fleettwins.db");
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(process, httpPort, grpcPort) { dataFolder = dataFolder };
        process.OutputDataReceived += (_, e) => host.Record(e.Data);
        process.ErrorDataReceived += (_, e) => host.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 400)
        {
            output.TryDequeue(out _);
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        await KillAsync();
        throw new TimeoutException($"The host was not ready within {within}:\n{Output}");
    }

    /// <summary>The checkout the tests run from (the folder holding FleetTwins.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "FleetTwins.sln")))
            {
                root = root.Parent;
            }

            return root?.FullName ?? throw new InvalidOperationException($"No FleetTwins.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>src/FleetTwins.Host/bin/{Configuration}/net10.0 of this checkout, built with the tests.</summary>
    private static string HostOutputDirectory()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(RepositoryRoot, "src", "FleetTwins.Host", "bin", testOutput.Parent!.Name, testOutput.Name);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
