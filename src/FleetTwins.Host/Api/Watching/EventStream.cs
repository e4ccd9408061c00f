using System.Reflection;
using System.Text.Json;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Host.Api.Conventions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api.Watching;

/// <summary>
/// A live watch as Server-Sent Events (200, <c>text/event-stream</c>): <c>event: name</c> and <c>data: json</c> per
/// event, a <c>: keep-alive</c> comment between; it ends when the watcher goes away.
/// </summary>
public sealed class EventStream(IAsyncEnumerable<WatchEvent> events) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var aborted = httpContext.RequestAborted;
        var response = httpContext.Response;
        response.ContentType = ApiConventions.EventStream;
        response.Headers.CacheControl = "no-cache";
        // Proxies that buffer answers would hold the events back until the watch ends.
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await response.Body.FlushAsync(aborted);
            await foreach (var e in events.WithCancellation(aborted))
            {
                var frame = e.Name == WatchEvent.KeepAlive
                    ? ": keep-alive\n\n"
                    : $"event: {e.Name}\ndata: {Serialize(e.Data!, options)}\n\n";
                await response.WriteAsync(frame, aborted);
                await response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The watcher went away.
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [ApiConventions.EventStream])
        {
            Description = "Server-Sent Events, one per change (event: twin, notification, command, ...; data: its JSON), with comment heart-beats; `Last-Event-ID` resumes.",
        });

    /// <summary>An event's data as the REST API shows it (a command with its arguments as JSON).</summary>
    private static string Serialize(object data, JsonSerializerOptions options) => data is VehicleCommand command
        ? JsonSerializer.Serialize(CommandEndpoints.CommandView.From(command), options)
        : JsonSerializer.Serialize(data, data.GetType(), options);
}
