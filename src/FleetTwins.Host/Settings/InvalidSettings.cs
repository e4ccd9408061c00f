using FleetTwins.Sqlite.Storage;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Settings;

/// <summary>Settings found wrong while the host is composed, each failure one line naming the setting and its value.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<string> failures) : Exception(string.Join("; ", failures))
{
    public InvalidSettingsException(string failure)
        : this([failure])
    {
    }

    public IReadOnlyList<string> Failures { get; } = failures;
}

/// <summary>
/// Start-up with settings that cannot work ends with one line per wrong setting on standard error and exit code 1,
/// before anything listens, never with a stack trace; so does a data file that cannot be used as it is.
/// </summary>
public static class InvalidSettings
{
    /// <summary>Runs the host; wrong settings are reported and answer exit code 1.</summary>
    public static async Task<int> ExitOnInvalidSettingsAsync(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception e) when (Failures(e) is { Count: > 0 } failures)
        {
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync($"Invalid setting: {failure}");
            }

            return 1;
        }
        catch (DataFileException e)
        {
            await Console.Error.WriteLineAsync($"Cannot start: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Keeps failures found while the host is composed, to be reported with those of every other setting by
    /// <see cref="ValidateFleetTwinsSettings"/> rather than alone.
    /// </summary>
    public static IServiceCollection AddSettingsFailures(this IServiceCollection services, IReadOnlyList<string> failures) =>
        failures.Count == 0 ? services : services.AddSingleton(new SettingsFailures(failures));

    /// <summary>
    /// Validates every option registered with <c>ValidateOnStart</c> now, so a failure is reported here rather than
    /// logged with its stack trace by the host starting up; together with what composing the host found wrong.
    /// </summary>
    public static WebApplication ValidateFleetTwinsSettings(this WebApplication app)
    {
        var failures = app.Services.GetServices<SettingsFailures>().SelectMany(f => f.Failures).ToList();
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception e) when (Failures(e) is { Count: > 0 } found)
        {
            failures.AddRange(found);
        }

        return failures.Count == 0 ? app : throw new InvalidSettingsException(failures);
    }

    private static List<string> Failures(Exception e) => e switch
    {
        InvalidSettingsException invalid => [.. invalid.Failures],
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate when aggregate.InnerExceptions.All(i => Failures(i).Count > 0) => [.. aggregate.InnerExceptions.SelectMany(Failures)],
        // A value that does not convert to the option's type ("Failed to convert configuration value at 'X' to ...").
        InvalidOperationException when e.Source == "Microsoft.Extensions.Configuration.Binder" => [e.Message],
        // An endpoint another process listens on (a second host started beside the first): Kestrel's own message
        // names the address.
        IOException { InnerException: AddressInUseException } =>
            [$"Kestrel:Endpoints: {e.Message} Stop what listens there, or give this host another address (Kestrel__Endpoints__Http__Url, Kestrel__Endpoints__Grpc__Url)."],
        _ => [],
    };
}

/// <summary>Wrong settings found while the host was composed, held until every setting has been checked.</summary>
internal sealed record SettingsFailures(IReadOnlyList<string> Failures);
