using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Security;

/// <summary>Errors answered outside an endpoint keep the shape of the path they are under.</summary>
public sealed class ErrorShapeTests
{
    [Fact]
    public async Task A_webhook_path_answered_without_an_endpoint_gets_the_webhook_error_body_whatever_it_accepts()
    {
        await using var host = await HostProcess.StartAsync(WebhookSender.Settings());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/nowhere") { Content = new StringContent("{}") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", body.RootElement.GetProperty("status").GetString());
    }
}
