using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using FleetTwins.Cli.Commands;

namespace FleetTwins.Cli;

/// <summary>
/// The command line: every verb with its arguments and options, help, the <c>[suggest]</c> directive for shell
/// completions, and the exit codes (0 done, 1 the server refused or failed, 2 a wrong command line).
/// </summary>
public static class Verbs
{
    public static readonly Option<string> Url = new("--url")
    {
        Description = "The FleetTwins HTTP API (default: FLEETTWINS_URL, else http://127.0.0.1:5080)",
        HelpName = "url",
    };

    public static readonly Option<string> Key = new("--key")
    {
        Description = "An API key, sent as Authorization: Bearer (default: FLEETTWINS_API_KEY)",
        HelpName = "key",
    };

    public static readonly Option<bool> Json = new("--json") { Description = "Print the API's own JSON instead of tables" };

    public static RootCommand Create() =>
        new("fleettwins: read, search and watch FleetTwins twins, send commands, replay parked messages, register a fleet.")
        {
            TwinCommands.Get(), TwinCommands.Resolve(), SearchCommands.Search(), SearchCommands.Watch(),
            HistoryCommands.History(), HistoryCommands.Trips(), SendCommand.Create(), ParkedCommands.Create(),
            TwinCommands.Link(), TwinCommands.Unlink(), ImportCommand.Create(),
        };

    /// <summary>Runs a command line: a wrong one prints what is wrong and the usage on stderr and exits 2.</summary>
    public static async Task<int> InvokeAsync(string[] args)
    {
        var parsed = Create().Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            await parsed.InvokeAsync(new InvocationConfiguration { Output = Console.Error });
            return 2;
        }

        return await parsed.InvokeAsync();
    }

    /// <summary>A verb that talks to the API: adds --url, --key and --json, and maps failures to exit codes.</summary>
    public static Command WithApi(this Command command, Func<ParseResult, Session, Task<int>> action, bool streams = false)
    {
        command.Add(Url);
        command.Add(Key);
        command.Add(Json);
        command.SetAction(async (parsed, cancellation) =>
        {
            try
            {
                // A live stream has no end: no request timeout.
                using var api = new Api(ServerUrl(parsed), parsed.GetValue(Key) ?? Environment.GetEnvironmentVariable("FLEETTWINS_API_KEY"),
                    streams ? Timeout.InfiniteTimeSpan : null);
                return await action(parsed, new Session(api, parsed.GetValue(Json), cancellation));
            }
            catch (ApiException e)
            {
                Console.Error.WriteLine($"fleettwins: {e.Message}");
                return 1;
            }
            catch (HttpRequestException e)
            {
                Console.Error.WriteLine($"fleettwins: cannot reach the server: {e.Message}");
                return 1;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return 0;
            }
        });
        return command;
    }

    public static string ServerUrl(ParseResult parsed) =>
        parsed.GetValue(Url) ?? Environment.GetEnvironmentVariable("FLEETTWINS_URL") ?? "http://127.0.0.1:5080";

    /// <summary><c>--limit n</c>: a positive number of items per page.</summary>
    public static Option<int?> Limit(string description) => new("--limit")
    {
        Description = description,
        HelpName = "n",
        CustomParser = PositiveNumber,
    };

    public static Option<bool> All(string description) => new("--all") { Description = description };

    public static Argument<string> TwinId() => new("id") { Description = "The twin's id" };

    private static int? PositiveNumber(ArgumentResult result)
    {
        var value = result.Tokens.Single().Value;
        if (int.TryParse(value, out var n) && n > 0)
        {
            return n;
        }

        result.AddError($"--limit must be a positive number, not '{value}'");
        return null;
    }
}

/// <summary>What a verb's action works with: the API, whether to print JSON, and Ctrl+C.</summary>
public sealed record Session(Api Api, bool Json, CancellationToken Cancellation);
