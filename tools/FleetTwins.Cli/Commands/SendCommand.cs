using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace FleetTwins.Cli.Commands;

/// <summary><c>command</c>: sends a command to a vehicle, and with --wait follows it to its outcome.</summary>
public static class SendCommand
{
    private static readonly string[] Terminal = ["CONFIRMED", "FAILED", "TIMED_OUT", "SUPERSEDED"];

    public static Command Create()
    {
        var id = Verbs.TwinId();
        var name = new Argument<string>("COMMAND") { Description = "The command, e.g. START_CHARGING" };
        var arguments = new Option<string[]>("--arg")
        {
            Description = "A command argument, name=value (repeatable; numbers go as numbers)",
            HelpName = "name=value",
        };
        arguments.Validators.Add(result =>
        {
            foreach (var pair in result.GetValue(arguments) ?? [])
            {
                if (pair.IndexOf('=') <= 0)
                {
                    result.AddError($"--arg takes name=value, not '{pair}'");
                }
            }
        });
        var idempotencyKey = new Option<string>("--idempotency-key") { Description = "Sends the command at most once per key (default: a new key)", HelpName = "k" };
        var wait = new Option<bool>("--wait") { Description = "Follow it to CONFIRMED, FAILED, TIMED_OUT or SUPERSEDED (exit 1 when FAILED or TIMED_OUT)" };
        return new Command("command", "Sends a command to a vehicle") { id, name, arguments, idempotencyKey, wait }
            .WithApi(async (parsed, session) =>
            {
                var body = new JsonObject
                {
                    ["command"] = parsed.GetValue(name),
                    ["arguments"] = Arguments(parsed.GetValue(arguments) ?? []),
                    ["idempotencyKey"] = parsed.GetValue(idempotencyKey) ?? Guid.NewGuid().ToString("N"),
                };
                var path = $"api/vehicles/{Uri.EscapeDataString(parsed.GetValue(id)!)}/commands";
                var command = await session.Api.PostAsync(path, body, session.Cancellation);
                if (parsed.GetValue(wait) && command["id"]?.GetValue<string>() is { } commandId)
                {
                    command = await WaitAsync(session, $"{path}/{Uri.EscapeDataString(commandId)}", commandId, command);
                }

                Print(session, command);
                return Output.Text(command, "status") is "FAILED" or "TIMED_OUT" ? 1 : 0;
            });
    }

    private static JsonObject Arguments(IEnumerable<string> pairs)
    {
        var arguments = new JsonObject();
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=');
            var value = pair[(equals + 1)..];
            arguments[pair[..equals]] = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? JsonValue.Create(number) : JsonValue.Create(value);
        }

        return arguments;
    }

    private static async Task<JsonNode> WaitAsync(Session session, string path, string commandId, JsonNode command)
    {
        using var progress = new Output.Progress($"{commandId} waiting for its outcome (s)");
        while (!Terminal.Contains(Output.Text(command, "status")) && !session.Cancellation.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), session.Cancellation);
            progress.Advance();
            command = await session.Api.GetAsync(path, session.Cancellation);
        }

        return command;
    }

    private static void Print(Session session, JsonNode command)
    {
        if (session.Json)
        {
            Output.Json(command);
            return;
        }

        var last = command["history"] is JsonArray { Count: > 0 } history ? history[^1] : null;
        Output.Fields([("command", Output.Text(command, "command")), ("id", Output.Text(command, "id")), ("status", Output.Text(command, "status")),
            ("reason", Output.Text(last, "reason")), ("deadline", Output.Text(command, "deadline"))]);
    }
}
