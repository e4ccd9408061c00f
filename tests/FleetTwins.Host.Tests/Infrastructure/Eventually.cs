using System.Diagnostics;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>Polling with a deadline, instead of sleeping: for effects that arrive asynchronously (AMQP ingestion).</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        T last = default!;
        while (clock.Elapsed < within)
        {
            try
            {
                last = await probe();
                if (done(last))
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
                // A host restarting: try again.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{what} did not happen within {within}; last seen: {last}");
    }

    /// <summary>Runs <c>tools/services.sh</c> with a command (e.g. restart the test broker); answers what it printed.</summary>
    public static async Task<string> ServicesAsync(string command)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = HostProcess.RepositoryRoot, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("tools/services.sh");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"services.sh {command} failed: {await process.StandardError.ReadToEndAsync()}");
        }

        return await process.StandardOutput.ReadToEndAsync();
    }
}
