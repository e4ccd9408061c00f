using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace FleetTwins.Cli.Commands;

/// <summary>
/// A watch's Server-Sent Events, resumed when its connection ends (the host restarting, a proxy closing it): one
/// line on stderr says why, then the watch reconnects with the last event id it saw (<c>Last-Event-ID</c>), after
/// the wait the host's <c>retry:</c> asks for, longer while the host cannot be reached.
/// </summary>
public static class WatchStream
{
    /// <summary>The longest wait between two attempts to reach a host that is down.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(5);

    /// <summary>Reads the watch at <paramref name="path"/> until Ctrl+C, handing each event's name and data to <paramref name="show"/>.</summary>
    public static async Task ReadAsync(Session session, string path, Action<string?, JsonNode?> show)
    {
        var cancellationToken = session.Cancellation;
        var position = new Position();
        var connected = false;
        var interrupted = false;
        var wait = position.Retry;
        while (true)
        {
            string reason;
            try
            {
                using var response = await ConnectAsync(session.Api.Http, path, position.LastId, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    connected = true;
                    interrupted = false;
                    reason = await ReadEventsAsync(response, position, show, cancellationToken) ?? "the host closed it";
                    wait = position.Retry;
                }
                else
                {
                    reason = $"{(int)response.StatusCode} {response.ReasonPhrase}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
                    if (!connected || !IsTransient(response.StatusCode))
                    {
                        // Refused for good (the twin gone, the key revoked), or on the first try: the user's to fix.
                        throw new ApiException(reason);
                    }
                }
            }
            catch (Exception e) when (connected && e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                reason = e.Message;
            }

            if (!interrupted)
            {
                await Console.Error.WriteLineAsync($"fleettwins: the watch was interrupted ({reason}); resuming");
                interrupted = true;
            }

            await Task.Delay(wait, cancellationToken);
            wait = wait * 2 < LongestWait ? wait * 2 : LongestWait;
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static async Task<HttpResponseMessage> ConnectAsync(HttpClient http, string path, string? lastId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastId);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>Shows each event until the stream ends; answers the reason a <c>shutdown</c> event gave, if one came.</summary>
    private static async Task<string?> ReadEventsAsync(HttpResponseMessage response, Position position, Action<string?, JsonNode?> show,
        CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    var node = JsonNode.Parse(data.ToString());
                    if (name == "shutdown")
                    {
                        return node?["reason"]?.GetValue<string>() ?? "the host is stopping";
                    }

                    show(name, node);
                }

                name = null;
                data.Clear();
            }
            else if (Field(line, "event") is { } eventName)
            {
                name = eventName;
            }
            else if (Field(line, "data") is { } value)
            {
                data.Append(data.Length > 0 ? "\n" : "").Append(value);
            }
            else if (Field(line, "id") is { } id)
            {
                position.LastId = id;
            }
            else if (Field(line, "retry") is { } retry && int.TryParse(retry, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
            {
                position.Retry = TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        return null;
    }

    /// <summary>The value of an SSE field line (<c>name: value</c>), or null when the line is another field or a comment.</summary>
    private static string? Field(string line, string name) =>
        line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] == ':'
            ? line[(name.Length + (line.Length > name.Length + 1 && line[name.Length + 1] == ' ' ? 2 : 1))..]
            : null;

    /// <summary>Where a watch is: the last event id seen, and how long to wait before reconnecting.</summary>
    private sealed class Position
    {
        public string? LastId { get; set; }

        public TimeSpan Retry { get; set; } = TimeSpan.FromSeconds(1);
    }
}
