using System.Collections.Concurrent;
using System.Text.Json;
using FleetTwins.Signatures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>An integration's HTTP receiver: verifies the signature, records each command, answers its provider command id.</summary>
public sealed class CommandReceiver : IAsyncDisposable
{
    /// <summary>The Standard Webhooks secret a test host signs commands with for this receiver.</summary>
    public const string Secret = "whsec_Y29tbWFuZC1kaXNwYXRjaC10ZXN0LXNlY3JldA==";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<(string Id, JsonElement Body)> received = new();
    private int refused;

    private CommandReceiver(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>While set, every delivery is answered 503.</summary>
    public volatile bool Down;

    /// <summary>While set, every delivery that verifies is answered 200 with this JSON text, sent as it is.</summary>
    public volatile string? Answer;

    public int Refused => Volatile.Read(ref refused);

    public IReadOnlyList<(string Id, JsonElement Body)> Received => [.. received];

    public static string ProviderCommandId(string commandId) => $"vp-{commandId[^12..]}";

    public static async Task<CommandReceiver> StartAsync(string secret = Secret)
    {
        var app = LoopbackReceiver.Create(out var url);
        var receiver = new CommandReceiver(app, $"{url}/commands");
        var verifier = new SvixVerifier([secret]);
        app.MapPost("/commands", async (HttpContext context) =>
        {
            if (receiver.Down)
            {
                Interlocked.Increment(ref receiver.refused);
                return Results.StatusCode(503);
            }

            var (check, body) = await LoopbackReceiver.ReadSignedAsync(context, verifier);
            if (!check.IsValid)
            {
                return Results.StatusCode(401);
            }

            receiver.received.Enqueue((check.MessageId!, JsonDocument.Parse(body).RootElement.Clone()));
            return receiver.Answer is { } answer
                ? Results.Text(answer, "application/json")
                : Results.Ok(new { providerCommandId = ProviderCommandId(check.MessageId!) });
        });
        await app.StartAsync();
        return receiver;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
