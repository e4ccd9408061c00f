using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Webhooks;

/// <summary>
/// A dispatch receiver whose 2xx answer cannot be read is not sent the command again and again until it times out:
/// after a few tries the command is FAILED, saying why.
/// </summary>
public sealed class CommandAnswerTests
{
    [Theory]
    [InlineData("""{"providerCommandId":"\ud800"}""", "unpaired UTF-16 surrogate")]
    [InlineData("""{"providerCommandId":"vp-1","providerCommandId":"vp-2"}""", "Duplicate property 'providerCommand")]
    [InlineData("""{"providerCommandId":42}""", "providerCommandId must be a string")]
    public async Task A_receiver_whose_answer_cannot_be_read_gets_the_command_three_times_and_it_fails_saying_why(string answer, string why)
    {
        await using var receiver = await CommandReceiver.StartAsync();
        receiver.Answer = answer;
        var settings = ApiKeys.AddTo(WebhookSender.Settings());
        settings["Commands__Dispatch__Webhooks__0__Url"] = receiver.Url;
        settings["Commands__Dispatch__Webhooks__0__Secret"] = CommandReceiver.Secret;
        settings["Commands__Dispatch__RetryBackoff"] = "00:00:00.100";
        settings["Commands__Dispatch__MaxRetryBackoff"] = "00:00:00.200";
        await using var host = await HostProcess.StartAsync(settings);
        var vin = ApiKeys.NewVin();
        (await new WebhookSender(host.Http).VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 41, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();
        using var api = ApiKeys.Client(host, ApiKeys.All);

        using var post = await api.PostAsJsonAsync($"/api/vehicles/{vin}/commands", new { command = "START_CHARGING", arguments = new { maxPowerKw = 11 } });
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var id = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var command = await Eventually.ReturnsAsync(() => api.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vin}/commands/{id}"),
            c => c.GetProperty("status").GetString() != "PENDING", TimeSpan.FromSeconds(30), $"the command to leave PENDING\n{host.Output}");

        Assert.Equal("FAILED", command.GetProperty("status").GetString());
        var reason = command.GetProperty("history").EnumerateArray().Last().GetProperty("reason").GetString();
        Assert.True(reason!.Contains("cannot be read", StringComparison.Ordinal) && reason.Contains(why, StringComparison.Ordinal), reason);
        // Sent three times, then no more: the FAILED command and the end of its dispatch are stored together.
        Assert.Equal(3, receiver.Received.Count);
        Assert.All(receiver.Received, r => Assert.Equal(id, r.Id));
    }
}
