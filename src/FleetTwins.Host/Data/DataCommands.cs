using System.Data.Common;
using System.Globalization;
using FleetTwins.Host.Settings;
using FleetTwins.Sqlite.Storage;

namespace FleetTwins.Host.Data;

/// <summary>
/// The <c>data</c> commands on the embedded profile's data file (<c>FleetTwins:DataPath</c>), run beside a host or
/// without one: <c>backup</c> (online, consistent), <c>check</c> and <c>recover</c>. The SQLite work is
/// FleetTwins.Sqlite's (<see cref="DataFileBackup"/>, <see cref="DataFileCheck"/>, <see cref="DataFileRecovery"/>); a
/// failure is one line on standard error, never a stack trace.
/// </summary>
public static class DataCommands
{
    private const string Usage = """
        Usage: FleetTwins.Host data backup <target-file> [--force]   an online copy of FleetTwins__DataPath
               FleetTwins.Host data check [file]                      integrity, schema and journal (default: FleetTwins__DataPath)
               FleetTwins.Host data recover <damaged-file> <new-file> what still reads, into a new file
        """;

    /// <summary>Runs <c>FleetTwins.Host data ...</c> with the arguments after <c>data</c>; answers the exit code.</summary>
    public static async Task<int> RunDataCommandAsync(this WebApplicationBuilder builder, string[] args)
    {
        var dataPath = builder.GetFleetTwinsOptions().DataPath;
        return args switch
        {
            ["backup", "--force", var target] => await BackupAsync(dataPath, target, overwrite: true),
            ["backup", var target, "--force"] => await BackupAsync(dataPath, target, overwrite: true),
            ["backup", var target] when !target.StartsWith('-') => await BackupAsync(dataPath, target, overwrite: false),
            ["check"] => await CheckAsync(dataPath),
            ["check", var file] => await CheckAsync(file),
            ["recover", var damaged, var target] => await RecoverAsync(damaged, target),
            _ => await FailAsync(Usage.TrimEnd(), 2),
        };
    }

    /// <summary>0 once the copy is in place; 1 for a missing or damaged source, or a target that cannot be written.</summary>
    private static async Task<int> BackupAsync(string dataPath, string target, bool overwrite)
    {
        try
        {
            var copy = DataFileBackup.Copy(dataPath, target, overwrite);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Backed up {Path.GetFullPath(dataPath)} to {copy.Target}: {copy.Pages} pages, {copy.Bytes} bytes, in {copy.Elapsed.TotalSeconds:0.00} s"));
            return 0;
        }
        catch (DataFileException e)
        {
            return await FailAsync($"Cannot back up: {e.Message}", 1);
        }
        catch (Exception e) when (IsFileProblem(e))
        {
            return await FailAsync($"Cannot back up {Path.GetFullPath(dataPath)} to {target}: {e.Message}", 1);
        }
    }

    /// <summary>0 healthy; 1 problems found, one line each; 2 a file that cannot be checked.</summary>
    private static async Task<int> CheckAsync(string file)
    {
        DataFileCheckResult result;
        try
        {
            result = DataFileCheck.Run(file);
        }
        catch (DataFileException e)
        {
            return await FailAsync($"Cannot check: {e.Message}", 2);
        }
        catch (Exception e) when (IsFileProblem(e))
        {
            return await FailAsync($"Cannot check {Path.GetFullPath(file)}: {e.Message}", 2);
        }

        Console.WriteLine($"Checked {Path.GetFullPath(file)}");
        foreach (var check in result.Checked)
        {
            Console.WriteLine($"  {check}");
        }

        foreach (var problem in result.Problems)
        {
            Console.WriteLine($"problem: {problem}");
        }

        Console.WriteLine(result.Healthy ? "Healthy." : $"{result.Problems.Count} problem(s) found.");
        return result.Healthy ? 0 : 1;
    }

    /// <summary>0 once the new file holds what could be read (the lines say what was lost); 1 when nothing could be saved.</summary>
    private static async Task<int> RecoverAsync(string damaged, string target)
    {
        try
        {
            var result = await DataFileRecovery.RunAsync(damaged, target);
            Console.WriteLine($"Recovered {Path.GetFullPath(damaged)} into {result.Target}");
            foreach (var table in result.Tables)
            {
                Console.WriteLine($"  {table}");
            }

            foreach (var consequence in result.Consequences)
            {
                Console.WriteLine($"note: {consequence}");
            }

            if (result.Tables.Sum(t => t.Copied) == 0 && result.Tables.Any(t => t.Unreadable != 0))
            {
                return await FailAsync($"Cannot recover: nothing of {Path.GetFullPath(damaged)} could be read; restore the last backup", 1);
            }

            Console.WriteLine($"Start the host on it: FleetTwins__DataPath={result.Target}");
            return 0;
        }
        catch (DataFileException e)
        {
            return await FailAsync($"Cannot recover: {e.Message}", 1);
        }
        catch (Exception e) when (IsFileProblem(e))
        {
            return await FailAsync($"Cannot recover {Path.GetFullPath(damaged)} into {target}: {e.Message}", 1);
        }
    }

    /// <summary>What a damaged file or an unwritable folder raises beyond the refusals the SQLite side names itself.</summary>
    private static bool IsFileProblem(Exception e) => e is DbException or IOException or UnauthorizedAccessException;

    private static async Task<int> FailAsync(string message, int exitCode)
    {
        await Console.Error.WriteLineAsync(message);
        return exitCode;
    }
}
