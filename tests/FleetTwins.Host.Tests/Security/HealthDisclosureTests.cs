using System.Net;
using System.Text.Json;
using FleetTwins.Host.Tests.Api;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Security;

/// <summary>Health answers anyone, so it says how the host is and nothing about where or what it is.</summary>
public sealed class HealthDisclosureTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>
{
    [Theory]
    [InlineData("/health/ready")]
    [InlineData("/health/live")]
    public async Task Health_without_a_key_names_checks_and_statuses_only(string path)
    {
        using var anonymous = ApiKeys.Client(fixture.Host, key: null);

        using var response = await anonymous.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Server"), $"Server: {string.Join(", ", response.Headers.TryGetValues("Server", out var server) ? server : [])}");
        using var health = JsonDocument.Parse(body);
        Assert.Equal("Healthy", health.RootElement.GetProperty("status").GetString());
        foreach (var check in health.RootElement.GetProperty("checks").EnumerateObject())
        {
            // {"status": "Healthy"}: no description, so no data file path, silo address or failure cause.
            Assert.Equal(["status"], check.Value.EnumerateObject().Select(p => p.Name));
        }

        Assert.DoesNotContain("fleettwins-data-", body, StringComparison.Ordinal);
        Assert.DoesNotContain(".db", body, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
    }
}
