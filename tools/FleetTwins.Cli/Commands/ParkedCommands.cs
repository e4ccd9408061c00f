using System.CommandLine;

namespace FleetTwins.Cli.Commands;

/// <summary><c>parked list</c> and <c>parked replay</c>: AMQP messages parked with their reasons (admin scope).</summary>
public static class ParkedCommands
{
    public static Command Create() => new("parked", "Parked AMQP messages (admin scope)") { List(), Replay() };

    private static Command List()
    {
        var limit = Verbs.Limit("At most this many messages");
        return new Command("list", "Parked AMQP messages with their reasons and age") { limit }
            .WithApi(async (parsed, session) =>
            {
                var parked = await session.Api.GetAsync($"api/parked{Query(parsed.GetValue(limit))}");
                if (session.Json)
                {
                    Output.Json(parked);
                    return 0;
                }

                var now = DateTimeOffset.UtcNow;
                Output.Table(["MESSAGE", "TYPE", "QUEUE", "PARKED", "REASON"], parked.AsArray().Select(p => (IReadOnlyList<string>)
                [
                    Output.Text(p, "messageId"), Output.Text(p, "type"), Output.Text(p, "originalQueue"),
                    Output.Age(p?["parkedAt"]?.ToString(), now), Output.Text(p, "reason"),
                ]));
                return 0;
            });
    }

    private static Command Replay()
    {
        var limit = Verbs.Limit("At most this many messages");
        return new Command("replay", "Puts parked messages back on their queues") { limit }
            .WithApi(async (parsed, session) =>
            {
                var replayed = await session.Api.PostAsync($"api/parked/replay{Query(parsed.GetValue(limit))}", null);
                Console.WriteLine(session.Json ? replayed.ToJsonString() : $"replayed {Output.Text(replayed, "replayed")} messages to their queues");
                return 0;
            });
    }

    private static string Query(int? limit) => limit is null ? "" : $"?limit={limit}";
}
