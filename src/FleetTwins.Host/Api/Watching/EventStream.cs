using System.Globalization;
using System.Reflection;
using System.Text.Json;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Host.Api.Conventions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api.Watching;

/// <summary>
/// A live watch as Server-Sent Events (200, <c>text/event-stream</c>): <c>event: name</c>, <c>data: json</c> and the
/// event's <c>id</c> when it has one, a <c>: keep-alive</c> comment between; it ends when the watcher goes away, or
/// with a <c>shutdown</c> event (<c>{"reason", "retryAfterSeconds"}</c>, and <c>retry:</c>) when the host stops. It holds
/// its <paramref name="place"/> among the open watches until it ends.
/// </summary>
public sealed class EventStream(IAsyncEnumerable<WatchEvent> events, OpenWatches.Place place) : IResult, IEndpointMetadataProvider
{
    public const string Shutdown = "shutdown";

    /// <summary>How long the <c>shutdown</c> event may take to write: a watcher that stopped reading does not hold up the stop.</summary>
    private static readonly TimeSpan ShutdownWriteWithin = TimeSpan.FromMilliseconds(500);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using var held = place;
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var stopping = httpContext.RequestServices.GetRequiredService<OpenWatches>().Stopping;
        var aborted = httpContext.RequestAborted;
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping);
        var response = httpContext.Response;
        response.ContentType = ApiConventions.EventStream;
        response.Headers.CacheControl = "no-cache";
        // Proxies that buffer answers would hold the events back until the watch ends.
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await response.Body.FlushAsync(watching.Token);
            await foreach (var e in events.WithCancellation(watching.Token))
            {
                await response.WriteAsync(Frame(e, options), watching.Token);
                await response.Body.FlushAsync(watching.Token);
            }
        }
        catch (OperationCanceledException) when (watching.IsCancellationRequested)
        {
            // The watcher went away, or the host is stopping.
        }

        if (stopping.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            await WriteShutdownAsync(response, options, aborted);
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [ApiConventions.EventStream])
        {
            Description = "Server-Sent Events, one per change (event: twin, notification, command, ...; data: its JSON), with comment heart-beats; "
                + "a twin event's id is the twin's version, and `Last-Event-ID` resumes a vehicle watch after it. When the host stops, "
                + "a last `shutdown` event (data: reason, retryAfterSeconds) says to reconnect.",
        });

    private static string Frame(WatchEvent e, JsonSerializerOptions options) => e switch
    {
        { Name: WatchEvent.KeepAlive } => ": keep-alive\n\n",
        { Id: { } id } => $"id: {id}\nevent: {e.Name}\ndata: {Serialize(e.Data!, options)}\n\n",
        _ => $"event: {e.Name}\ndata: {Serialize(e.Data!, options)}\n\n",
    };

    /// <summary>The last event of a watch the host ends: why, and when to reconnect (<c>retry:</c> is what EventSource obeys).</summary>
    private static async Task WriteShutdownAsync(HttpResponse response, JsonSerializerOptions options, CancellationToken aborted)
    {
        using var within = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        within.CancelAfter(ShutdownWriteWithin);
        var after = OpenWatches.ReconnectAfter;
        var data = JsonSerializer.Serialize(new ShutdownNotice(OpenWatches.StoppingReason, (int)after.TotalSeconds), options);
        try
        {
            await response.WriteAsync($"retry: {after.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}\nevent: {Shutdown}\ndata: {data}\n\n", within.Token);
            await response.Body.FlushAsync(within.Token);
        }
        catch (OperationCanceledException)
        {
            // The watcher stopped reading: the host stops without telling it.
        }
    }

    /// <summary>The data of a <c>shutdown</c> event.</summary>
    private sealed record ShutdownNotice(string Reason, int RetryAfterSeconds);

    /// <summary>An event's data as the REST API shows it (a command with its arguments as JSON).</summary>
    private static string Serialize(object data, JsonSerializerOptions options) => data is VehicleCommand command
        ? JsonSerializer.Serialize(CommandEndpoints.CommandView.From(command), options)
        : JsonSerializer.Serialize(data, data.GetType(), options);
}
