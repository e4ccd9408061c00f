using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Profiles;

/// <summary>One host in the default embedded profile, shared by the tests of this class.</summary>
public sealed class EmbeddedHostFixture : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await HostProcess.StartAsync(new Dictionary<string, string>());

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

public sealed class EmbeddedProfileTests(EmbeddedHostFixture fixture) : IClassFixture<EmbeddedHostFixture>
{
    private HttpClient Http => fixture.Host.Http;

    private static string NewId() => $"car-{Guid.NewGuid():N}";

    [Fact]
    public async Task Liveness_and_readiness_answer_200_with_nothing_else_running()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/health/live")).StatusCode);
        var ready = await Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"silo\"", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Registered_vehicle_is_served_as_camel_case_json()
    {
        var id = NewId();
        (await Http.PutAsJsonAsync($"/api/vehicles/{id}", new { vin = "wbyf2aw010fn82675" })).EnsureSuccessStatusCode();

        using var twin = JsonDocument.Parse(await Http.GetStringAsync($"/api/vehicles/{id}"));

        Assert.Equal(id, twin.RootElement.GetProperty("id").GetString());
        Assert.Equal("WBYF2AW010FN82675", twin.RootElement.GetProperty("vin").GetString());
        Assert.Equal("vin:WBYF2AW010FN82675", twin.RootElement.GetProperty("aliases")[0].GetString());
        Assert.False(twin.RootElement.GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task Charging_target_is_stored_on_the_twin()
    {
        var id = NewId();
        (await Http.PutAsJsonAsync($"/api/vehicles/{id}", new { })).EnsureSuccessStatusCode();

        var response = await Http.PutAsJsonAsync($"/api/vehicles/{id}/charging-target", new { targetSoc = 80 });

        response.EnsureSuccessStatusCode();
        using var twin = JsonDocument.Parse(await Http.GetStringAsync($"/api/vehicles/{id}"));
        var target = twin.RootElement.GetProperty("chargingTarget");
        Assert.Equal(80, target.GetProperty("targetSoc").GetDouble());
        Assert.Equal("api", target.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Unknown_vehicle_is_404_problem_details()
    {
        var response = await Http.GetAsync($"/api/vehicles/{NewId()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Charging_target_for_unknown_vehicle_is_404()
    {
        var response = await Http.PutAsJsonAsync($"/api/vehicles/{NewId()}/charging-target", new { targetSoc = 80 });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"targetSoc": 101}""", "targetSoc")]
    [InlineData("""{"targetSoc": -5}""", "targetSoc")]
    [InlineData("""{}""", "targetSoc")]
    [InlineData("""{"targetSoc": "eighty"}""", "JSON")]
    [InlineData("""{"targetSoc": 80""", "JSON")]
    public async Task Invalid_charging_target_is_400_that_says_what_was_wrong(string body, string mentioned)
    {
        var id = NewId();
        (await Http.PutAsJsonAsync($"/api/vehicles/{id}", new { })).EnsureSuccessStatusCode();

        var response = await Http.PutAsync($"/api/vehicles/{id}/charging-target", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(mentioned, problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Invalid_vin_is_400()
    {
        var response = await Http.PutAsJsonAsync($"/api/vehicles/{NewId()}", new { vin = "not-a-vin" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("has%20space")]
    [InlineData("%C3%A9")]
    public async Task Invalid_twin_id_is_400(string id)
    {
        var response = await Http.GetAsync($"/api/vehicles/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Command_is_accepted_as_pending_and_the_same_idempotency_key_answers_the_same_command()
    {
        var id = NewId();
        (await Http.PutAsJsonAsync($"/api/vehicles/{id}", new { })).EnsureSuccessStatusCode();

        var first = await Http.PostAsJsonAsync($"/api/vehicles/{id}/commands", new { command = "SET_CHARGE_LIMIT", arguments = new { limit = 80 }, idempotencyKey = "k-1" });
        var again = await Http.PostAsJsonAsync($"/api/vehicles/{id}/commands", new { command = "SET_CHARGE_LIMIT", arguments = new { limit = 80 }, idempotencyKey = "k-1" });

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using var command = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        var root = command.RootElement;
        Assert.Equal("PENDING", root.GetProperty("status").GetString());
        Assert.Equal(80, root.GetProperty("arguments").GetProperty("limit").GetInt32());
        Assert.Equal("PENDING", root.GetProperty("history")[0].GetProperty("status").GetString());
        var commandId = root.GetProperty("id").GetString();
        Assert.Equal(commandId, JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());
        Assert.Equal(commandId, JsonDocument.Parse(await Http.GetStringAsync($"/api/vehicles/{id}/commands/{commandId}")).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Commands_are_listed_newest_first_and_a_newer_one_supersedes_an_open_one_of_its_kind()
    {
        var id = NewId();
        (await Http.PutAsJsonAsync($"/api/vehicles/{id}", new { })).EnsureSuccessStatusCode();
        (await Http.PostAsJsonAsync($"/api/vehicles/{id}/commands", new { command = "START_CHARGING" })).EnsureSuccessStatusCode();
        (await Http.PostAsJsonAsync($"/api/vehicles/{id}/commands", new { command = "START_CHARGING" })).EnsureSuccessStatusCode();

        using var list = JsonDocument.Parse(await Http.GetStringAsync($"/api/vehicles/{id}/commands"));

        Assert.Equal(["PENDING", "SUPERSEDED"], list.RootElement.EnumerateArray().Select(c => c.GetProperty("status").GetString()));
    }

    [Theory]
    [InlineData("""{"command": "start charging"}""", 400)]
    [InlineData("""{}""", 400)]
    [InlineData("""{"command": "START_CHARGING", "arguments": [1]}""", 400)]
    public async Task Invalid_command_is_400(string body, int status)
    {
        var id = NewId();
        (await Http.PutAsJsonAsync($"/api/vehicles/{id}", new { })).EnsureSuccessStatusCode();

        var response = await Http.PostAsync($"/api/vehicles/{id}/commands", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
    }

    [Fact]
    public async Task Command_to_an_unknown_vehicle_is_404()
    {
        var response = await Http.PostAsJsonAsync($"/api/vehicles/{NewId()}/commands", new { command = "START_CHARGING" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Per_vehicle_notification_thresholds_are_stored_and_validated()
    {
        var id = NewId();
        (await Http.PutAsJsonAsync($"/api/vehicles/{id}", new { })).EnsureSuccessStatusCode();

        (await Http.PutAsJsonAsync($"/api/vehicles/{id}/notification-thresholds", new { lowSocPercent = 35 })).EnsureSuccessStatusCode();
        var invalid = await Http.PutAsJsonAsync($"/api/vehicles/{id}/notification-thresholds", new { lowSocPercent = 150 });

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        using var twin = JsonDocument.Parse(await Http.GetStringAsync($"/api/vehicles/{id}"));
        Assert.Equal(35, twin.RootElement.GetProperty("notificationThresholds").GetProperty("lowSocPercent").GetDouble());
    }
}
