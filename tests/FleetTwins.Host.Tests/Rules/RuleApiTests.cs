using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FleetTwins.Host.Tests.Api;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Rules;

/// <summary>Rules and alert actions over real HTTP: a rule raises from signed deliveries, an operator acknowledges and clears, bad rules are refused.</summary>
public sealed class RuleApiTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>
{
    private HttpClient Admin => ApiKeys.Client(fixture.Host, ApiKeys.All);

    private HttpClient Reader => ApiKeys.Client(fixture.Host, ApiKeys.ReadOnly);

    private HttpClient Operator => ApiKeys.Client(fixture.Host, ApiKeys.CommandOnly);

    private static string NewRuleId() => $"rule-{Guid.NewGuid():N}"[..30];

    private async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Polls the inbox until <paramref name="filter"/> finds one alert, for at most 10 s.</summary>
    private async Task<JsonElement> InboxAsync(string filter)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var page = await JsonAsync(await Reader.GetAsync($"/api/alerts?filter={Uri.EscapeDataString(filter)}"), HttpStatusCode.OK);
            if (page.GetProperty("items").GetArrayLength() == 1)
            {
                return page.GetProperty("items")[0];
            }

            Assert.True(DateTime.UtcNow < deadline, $"no alert matched {filter} within 10 s");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_rule_raises_from_deliveries_and_an_operator_acknowledges_then_clears_it()
    {
        var vin = ApiKeys.NewVin();
        var rule = NewRuleId();
        var sender = new WebhookSender(ApiKeys.Client(fixture.Host, null));
        (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 60, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();
        var created = await JsonAsync(await Admin.PostAsJsonAsync("/api/rules", new
        {
            id = rule,
            name = "Low battery",
            when = "soc < 20",
            @for = "0s",
            severity = "critical",
            appliesTo = $"vin = {vin}",
        }), HttpStatusCode.Created);
        Assert.Equal(("0s", "0s", 0), (created.GetProperty("for").GetString(), created.GetProperty("clearFor").GetString(), created.GetProperty("openAlerts").GetInt32()));

        // Sent at once: judged by the new rule either on arrival or by the rollout that follows every silo's catalogue.
        (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 12, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();

        var alert = await InboxAsync($"rule = {rule}");
        var id = alert.GetProperty("id").GetString()!;
        Assert.Equal(("active", "critical", "rule"), (alert.GetProperty("status").GetString(), alert.GetProperty("severity").GetString(), alert.GetProperty("origin").GetString()));
        Assert.Equal(12, alert.GetProperty("values").GetProperty("soc").GetDouble());
        Assert.Equal(1, (await JsonAsync(await Reader.GetAsync($"/api/rules/{rule}"), HttpStatusCode.OK)).GetProperty("openAlerts").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await Reader.PostAsJsonAsync($"/api/alerts/{id}/acknowledge", new { })).StatusCode);

        var acknowledged = await JsonAsync(await Operator.PostAsJsonAsync($"/api/alerts/{id}/acknowledge", new { reason = "driver called" }), HttpStatusCode.OK);
        var cleared = await JsonAsync(await Operator.PostAsJsonAsync($"/api/alerts/{id}/clear", new { reason = "charged by hand" }), HttpStatusCode.OK);

        Assert.Equal("acknowledged", acknowledged.GetProperty("status").GetString());
        Assert.StartsWith("key:", acknowledged.GetProperty("acknowledgedBy").GetString());
        Assert.Equal("closed", cleared.GetProperty("status").GetString());
        Assert.Equal(["active", "acknowledged", "closed"], cleared.GetProperty("timeline").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        await InboxAsync($"rule = {rule} and status = closed");
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/rules/{rule}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Reader.GetAsync($"/api/rules/{rule}")).StatusCode);
    }

    [Theory]
    [InlineData("soc <", "0s", "major", "when:")]
    [InlineData("soc < 20", "-1m", "major", "for:")]
    [InlineData("soc < 20", "10 minutes", "major", "for:")]
    [InlineData("soc < 20", "10m", "urgent", "severity:")]
    [InlineData("chargng = CHARGING", "10m", "major", "unknown field")]
    [InlineData("changed(", "10m", "major", "when:")]
    public async Task A_bad_rule_is_a_400_naming_the_problem_and_nothing_is_stored(string when, string @for, string severity, string problem)
    {
        var rule = NewRuleId();

        var refused = await JsonAsync(await Admin.PostAsJsonAsync("/api/rules", new { id = rule, name = "bad", when, @for, severity }), HttpStatusCode.BadRequest);

        Assert.Contains(problem, refused.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Reader.GetAsync($"/api/rules/{rule}")).StatusCode);
    }

    [Fact]
    public async Task Writing_rules_needs_the_admin_scope_and_an_id_is_created_once()
    {
        var rule = NewRuleId();
        var body = new { id = rule, name = "x", when = "soc < 5", severity = "info" };

        Assert.Equal(HttpStatusCode.Forbidden, (await Operator.PostAsJsonAsync("/api/rules", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Admin.PostAsJsonAsync("/api/rules", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Admin.PostAsJsonAsync("/api/rules", body)).StatusCode);
        var replaced = await JsonAsync(await Admin.PutAsJsonAsync($"/api/rules/{rule}", body with { when = "soc < 6" }), HttpStatusCode.OK);
        Assert.Equal("soc < 6", replaced.GetProperty("when").GetString());
        var list = await JsonAsync(await Reader.GetAsync("/api/rules"), HttpStatusCode.OK);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetString() == rule);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/rules/{rule}")).StatusCode);
    }

    [Fact]
    public async Task A_rule_may_ask_only_for_a_geofence_that_exists_and_a_geofence_a_rule_asks_for_is_not_deleted()
    {
        var geofence = $"depot-{Guid.NewGuid():N}"[..20];
        var rule = NewRuleId();
        var unknown = await JsonAsync(await Admin.PostAsJsonAsync("/api/rules", new { id = rule, name = "in", when = $"inside({geofence})", severity = "info" }),
            HttpStatusCode.BadRequest);
        Assert.Contains($"no geofence '{geofence}'", unknown.GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.Created, (await Admin.PostAsJsonAsync("/api/geofences", new
        {
            id = geofence,
            name = "Depot",
            circle = new { center = new { latitude = 52.5, longitude = 13.4 }, radiusMeters = 150 },
        })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Admin.PostAsJsonAsync("/api/rules", new { id = rule, name = "in", when = $"inside({geofence})", severity = "info" })).StatusCode);

        var refused = await JsonAsync(await Admin.DeleteAsync($"/api/geofences/{geofence}"), HttpStatusCode.Conflict);
        Assert.Contains(rule, refused.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/rules/{rule}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/geofences/{geofence}")).StatusCode);
    }

    [Fact]
    public async Task A_rule_body_over_16_KiB_and_an_alert_action_over_4_KiB_are_refused_with_413()
    {
        var rule = new StringContent($$"""{"id":"big","name":"{{new string('x', 17 * 1024)}}","when":"soc < 1","severity":"info"}""",
            System.Text.Encoding.UTF8, "application/json");
        var action = new StringContent($$"""{"reason":"{{new string('x', 5 * 1024)}}"}""", System.Text.Encoding.UTF8, "application/json");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Admin.PostAsync("/api/rules", rule)).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Operator.PostAsync("/api/alerts/alr_any/acknowledge", action)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Reader.GetAsync("/api/rules/big")).StatusCode);
    }
}
