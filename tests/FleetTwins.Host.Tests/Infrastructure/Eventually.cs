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

    /// <summary>
    /// Waits until <paramref name="probe"/> has answered the same for <paramref name="quiet"/> (e.g. no twin's version
    /// changed: applies have stopped), and answers that value. A probe that fails counts as a change.
    /// </summary>
    public static async Task<T> SettledAsync<T>(Func<Task<T>> probe, TimeSpan quiet, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        var since = Stopwatch.StartNew();
        T? last = default;
        var known = false;
        while (clock.Elapsed < within)
        {
            try
            {
                var value = await probe();
                if (!known || !EqualityComparer<T>.Default.Equals(value, last))
                {
                    (last, known) = (value, true);
                    since.Restart();
                }
                else if (since.Elapsed >= quiet)
                {
                    return value;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                known = false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        throw new TimeoutException($"{what} did not stay the same for {quiet} within {within}; last seen: {last}");
    }

    /// <summary>Runs <c>tools/services.sh</c> with a command (e.g. restart the test broker); answers what it printed.</summary>
    public static async Task<string> ServicesAsync(params string[] command)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = HostProcess.RepositoryRoot, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("tools/services.sh");
        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"services.sh {string.Join(' ', command)} failed: {await process.StandardError.ReadToEndAsync()}");
        }

        return await process.StandardOutput.ReadToEndAsync();
    }
}
