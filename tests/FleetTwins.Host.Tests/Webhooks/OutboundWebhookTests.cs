using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Signatures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FleetTwins.Host.Tests.Webhooks;

public sealed class OutboundWebhookTests
{
    private const string Secret = "whsec_b3V0Ym91bmQtdGVzdC1zZWNyZXQtZmxlZXR0d2lucw==";

    [Fact]
    public async Task Notifications_are_posted_signed_and_retried_until_the_receiver_accepts_them()
    {
        // A receiver that refuses its first two deliveries, then verifies and records what it gets.
        var received = new ConcurrentQueue<(string Id, JsonElement Body)>();
        var refusals = 2;
        await using var receiver = LoopbackReceiver.Create(out var url);
        var verifier = new SvixVerifier([Secret]);
        receiver.MapPost("/hook", async (HttpContext context) =>
        {
            if (Interlocked.Decrement(ref refusals) >= 0)
            {
                return Results.StatusCode(503);
            }

            var (check, body) = await LoopbackReceiver.ReadSignedAsync(context, verifier);
            if (!check.IsValid)
            {
                return Results.StatusCode(401);
            }

            received.Enqueue((check.MessageId!, JsonDocument.Parse(body).RootElement.Clone()));
            return Results.Ok();
        });
        await receiver.StartAsync();

        var settings = WebhookSender.Settings();
        settings["Notifications__Webhooks__0__Url"] = $"{url}/hook";
        settings["Notifications__Webhooks__0__Secret"] = Secret;
        settings["Notifications__Webhooks__0__Types__0"] = "sos";
        await using var host = await HostProcess.StartAsync(settings);
        var push = """{"Event":"sos","Changes":0,"IMEI":"350612075177777","Device_Time":"2024-06-28T17:52:13.000000+0000","Server_Time":"2024-06-28T18:49:45.000000+0000","Coordinates":"22.9,75.5"}""";
        (await new WebhookSender(host.Http).TrackerAsync(Encoding.UTF8.GetBytes(push))).EnsureSuccessStatusCode();

        try
        {
            await Eventually.ReturnsAsync(() => Task.FromResult(received.Count), n => n >= 1, TimeSpan.FromSeconds(30), "the sos notification delivered");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + host.Output);
        }

        var (id, body) = Assert.Single(received);
        Assert.Equal("sos", body.GetProperty("type").GetString());
        Assert.Equal(id, body.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal("imei:350612075177777", body.GetProperty("data").GetProperty("twinId").GetString());
        Assert.True(refusals < 0);
    }
}
