using System.Text.Json;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>Reads a <c>text/event-stream</c> the way a browser's EventSource does (event name + data line).</summary>
public sealed class ServerSentEvents(Stream stream)
{
    private readonly StreamReader reader = new(stream);

    public readonly record struct Event(string Name, JsonElement Data);

    public async Task<Event> NextAsync(TimeSpan within)
    {
        string? name = null;
        while (await reader.ReadLineAsync().WaitAsync(within) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
            {
                return new Event(name, JsonDocument.Parse(line[6..]).RootElement.Clone());
            }
        }

        throw new EndOfStreamException("the event stream ended");
    }

    /// <summary>Every event up to and including the first that satisfies <paramref name="last"/>.</summary>
    public async Task<List<Event>> ReadUntilAsync(Func<Event, bool> last, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var events = new List<Event>();
        while (true)
        {
            var next = await NextAsync(deadline - DateTime.UtcNow is { Ticks: > 0 } left ? left : TimeSpan.Zero);
            events.Add(next);
            if (last(next))
            {
                return events;
            }
        }
    }
}
