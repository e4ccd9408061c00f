using System.Text.Json;
using FleetTwins.Grpc.V1;
using FleetTwins.Host.Tests.Api;
using FleetTwins.Host.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;

namespace FleetTwins.Host.Tests.Rules;

/// <summary>
/// Rules, geofences and alert actions through a real gRPC client over the host's HTTP/2 port: the same validation and
/// registry calls as REST, REST's 400 / 404 / 409 / 403 answered as INVALID_ARGUMENT / NOT_FOUND / ALREADY_EXISTS or
/// FAILED_PRECONDITION / PERMISSION_DENIED.
/// </summary>
public sealed class RuleGrpcTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>, IDisposable
{
    private const string Square = """{"type":"Polygon","coordinates":[[[13.40,52.51],[13.41,52.51],[13.41,52.52],[13.40,52.52],[13.40,52.51]]]}""";

    private readonly GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.Host.GrpcPort}");

    private VehicleTwins.VehicleTwinsClient Client => new(channel);

    private static Metadata Admin => Bearer(ApiKeys.All);

    private static Metadata Reader => Bearer(ApiKeys.ReadOnly);

    private static Metadata Operator => Bearer(ApiKeys.CommandOnly);

    private static Metadata Bearer(string key) => new() { { "authorization", $"Bearer {key}" } };

    private static string NewRuleId() => $"rule-{Guid.NewGuid():N}"[..30];

    private static string NewGeofenceId() => "gf-" + Guid.NewGuid().ToString("N")[..10];

    public void Dispose() => channel.Dispose();

    private static async Task<RpcException> RefusedAsync<T>(AsyncUnaryCall<T> call) => await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

    [Fact]
    public async Task A_rule_is_created_read_listed_replaced_and_deleted()
    {
        var id = NewRuleId();
        var rule = new Rule { Id = id, Name = "Low battery", When = "soc < 20", For = "10m", Severity = "major", AppliesTo = "make = Tesla" };

        var created = await Client.PutRuleAsync(new PutRuleRequest { Rule = rule }, Admin);

        Assert.True(created.Created);
        Assert.Equal((id, "Low battery", "soc < 20", "10m", "0s", "", "major", "make = Tesla", true, 0L),
            (created.Rule.Id, created.Rule.Name, created.Rule.When, created.Rule.For, created.Rule.ClearFor, created.Rule.ClearWhen, created.Rule.Severity,
                created.Rule.AppliesTo, created.Rule.Enabled, created.Rule.OpenAlerts));
        Assert.Equal(created.Rule, await Client.GetRuleAsync(new GetRuleRequest { Id = id }, Reader));
        Assert.Contains((await Client.ListRulesAsync(new ListRulesRequest(), Reader)).Items, r => r.Id == id);
        var taken = await RefusedAsync(Client.PutRuleAsync(new PutRuleRequest { Rule = rule, CreateOnly = true }, Admin));
        Assert.Equal(StatusCode.AlreadyExists, taken.StatusCode);

        var replaced = await Client.PutRuleAsync(new PutRuleRequest { Rule = new Rule(rule) { When = "soc < 15", Enabled = false, NotifyEvery = "1h" } }, Admin);

        Assert.False(replaced.Created);
        Assert.Equal(("soc < 15", false, "1h"), (replaced.Rule.When, replaced.Rule.Enabled, replaced.Rule.NotifyEvery));
        Assert.True(replaced.Rule.Version > created.Rule.Version);
        // REST serves the very same rule: one registry behind both.
        using var rest = await ApiKeys.Client(fixture.Host, ApiKeys.ReadOnly).GetAsync($"/api/rules/{id}");
        using var json = JsonDocument.Parse(await rest.Content.ReadAsStringAsync());
        Assert.Equal(("soc < 15", replaced.Rule.Version), (json.RootElement.GetProperty("when").GetString(), json.RootElement.GetProperty("version").GetInt64()));

        await Client.DeleteRuleAsync(new DeleteRuleRequest { Id = id }, Admin);

        Assert.Equal(StatusCode.NotFound, (await RefusedAsync(Client.GetRuleAsync(new GetRuleRequest { Id = id }, Reader))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await RefusedAsync(Client.DeleteRuleAsync(new DeleteRuleRequest { Id = id }, Admin))).StatusCode);
    }

    [Theory]
    [InlineData("soc <", "0s", "major", "bad", "rule: when:")]
    [InlineData("soc < 20", "-1m", "major", "bad", "rule: for:")]
    [InlineData("soc < 20", "10 minutes", "major", "bad", "rule: for:")]
    [InlineData("soc < 20", "10m", "urgent", "bad", "rule: severity:")]
    [InlineData("chargng = CHARGING", "10m", "major", "bad", "unknown field")]
    [InlineData("soc < 20", "10m", "major", "", "rule: name: required")]
    [InlineData("soc < 20", "10m", "major", "bad\u001b[31m", "rule: name: holds a control character")]
    [InlineData("inside(nowhere-at-all)", "10m", "major", "bad", "no geofence 'nowhere-at-all'")]
    public async Task A_bad_rule_is_invalid_argument_naming_the_field_and_nothing_is_stored(string when, string @for, string severity, string name, string problem)
    {
        var id = NewRuleId();

        var refused = await RefusedAsync(Client.PutRuleAsync(
            new PutRuleRequest { Rule = new Rule { Id = id, Name = name, When = when, For = @for, Severity = severity } }, Admin));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains(problem, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.NotFound, (await RefusedAsync(Client.GetRuleAsync(new GetRuleRequest { Id = id }, Reader))).StatusCode);
        Assert.DoesNotContain((await Client.ListRulesAsync(new ListRulesRequest(), Reader)).Items, r => r.Id == id);
    }

    [Fact]
    public async Task A_geofence_is_created_read_listed_replaced_and_deleted()
    {
        var id = NewGeofenceId();
        var polygon = new Geofence { Id = id, Name = "Depot", Geometry = Square, MinDwell = "90s", ExitBufferMeters = 40 };

        var created = await Client.PutGeofenceAsync(new PutGeofenceRequest { Geofence = polygon, CreateOnly = true }, Admin);

        Assert.True(created.Created);
        Assert.Equal((Geofence.AreaOneofCase.Geometry, "90s", 40d, 1L), (created.Geofence.AreaCase, created.Geofence.MinDwell, created.Geofence.ExitBufferMeters,
            created.Geofence.Version));
        using (var geometry = JsonDocument.Parse(created.Geofence.Geometry))
        {
            Assert.Equal("Polygon", geometry.RootElement.GetProperty("type").GetString());
        }

        Assert.Equal(created.Geofence, await Client.GetGeofenceAsync(new GetGeofenceRequest { Id = id }, Reader));
        Assert.Equal(StatusCode.AlreadyExists,
            (await RefusedAsync(Client.PutGeofenceAsync(new PutGeofenceRequest { Geofence = polygon, CreateOnly = true }, Admin))).StatusCode);

        var replaced = await Client.PutGeofenceAsync(new PutGeofenceRequest
        {
            Geofence = new Geofence
            {
                Id = id,
                Name = "Gate",
                Circle = new GeofenceCircle { Center = new LatLng { Latitude = 52.52, Longitude = 13.405 }, RadiusMeters = 250 },
            },
        }, Admin);

        Assert.False(replaced.Created);
        Assert.Equal(("Gate", 2L, "1m", 25d, 250d, 52.52), (replaced.Geofence.Name, replaced.Geofence.Version, replaced.Geofence.MinDwell,
            replaced.Geofence.ExitBufferMeters, replaced.Geofence.Circle.RadiusMeters, replaced.Geofence.Circle.Center.Latitude));
        Assert.Equal(created.Geofence.CreatedAt, replaced.Geofence.CreatedAt);
        var ids = new List<string>();
        var cursor = "";
        do
        {
            var page = await Client.ListGeofencesAsync(new ListGeofencesRequest { Limit = 2, Cursor = cursor }, Reader);
            ids.AddRange(page.Items.Select(g => g.Id));
            cursor = page.NextCursor;
        }
        while (cursor.Length > 0);

        Assert.Contains(id, ids);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);

        await Client.DeleteGeofenceAsync(new DeleteGeofenceRequest { Id = id }, Admin);

        Assert.Equal(StatusCode.NotFound, (await RefusedAsync(Client.GetGeofenceAsync(new GetGeofenceRequest { Id = id }, Reader))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await RefusedAsync(Client.DeleteGeofenceAsync(new DeleteGeofenceRequest { Id = id }, Admin))).StatusCode);
    }

    [Theory]
    [InlineData("geometry", "{\"type\":\"Polygon\"", "geofence: geometry is not JSON")]
    [InlineData("geometry", "{\"type\":\"Point\",\"coordinates\":[13.4,52.5]}", "geofence: geometry.type must be")]
    [InlineData("geometry", "{\"type\":\"Polygon\",\"type\":\"Polygon\",\"coordinates\":[]}", "geofence: geometry is not JSON")]
    [InlineData("radius", "0", "geofence: circle.radiusMeters")]
    [InlineData("latitude", "95", "geofence: circle.center")]
    [InlineData("minDwell", "soon", "geofence: minDwell 'soon' is not a duration")]
    [InlineData("name", "", "geofence: name is required")]
    [InlineData("none", "", "geofence: geometry (a GeoJSON Polygon or MultiPolygon) or circle")]
    public async Task A_bad_geofence_is_invalid_argument_naming_the_field_and_nothing_is_stored(string field, string value, string problem)
    {
        var id = NewGeofenceId();
        var circle = new GeofenceCircle { Center = new LatLng { Latitude = 52.5, Longitude = 13.4 }, RadiusMeters = 100 };
        var geofence = new Geofence { Id = id, Name = "Depot", Circle = circle };
        switch (field)
        {
            case "geometry": geofence.Geometry = value; break;
            case "radius": circle.RadiusMeters = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "latitude": circle.Center.Latitude = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "minDwell": geofence.MinDwell = value; break;
            case "name": geofence.Name = value; break;
            default: geofence.ClearArea(); break;
        }

        var refused = await RefusedAsync(Client.PutGeofenceAsync(new PutGeofenceRequest { Geofence = geofence }, Admin));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith(problem, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.NotFound, (await RefusedAsync(Client.GetGeofenceAsync(new GetGeofenceRequest { Id = id }, Reader))).StatusCode);
    }

    [Fact]
    public async Task A_geofence_a_rule_asks_for_is_not_deleted_until_the_rule_is()
    {
        var (geofence, rule) = (NewGeofenceId(), NewRuleId());
        await Client.PutGeofenceAsync(new PutGeofenceRequest { Geofence = new Geofence { Id = geofence, Name = "Depot", Geometry = Square } }, Admin);
        await Client.PutRuleAsync(new PutRuleRequest { Rule = new Rule { Id = rule, Name = "in", When = $"inside({geofence})", Severity = "info" } }, Admin);

        var refused = await RefusedAsync(Client.DeleteGeofenceAsync(new DeleteGeofenceRequest { Id = geofence }, Admin));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains(rule, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(geofence, (await Client.GetGeofenceAsync(new GetGeofenceRequest { Id = geofence }, Reader)).Id);
        await Client.DeleteRuleAsync(new DeleteRuleRequest { Id = rule }, Admin);
        await Client.DeleteGeofenceAsync(new DeleteGeofenceRequest { Id = geofence }, Admin);
        Assert.Equal(StatusCode.NotFound, (await RefusedAsync(Client.GetGeofenceAsync(new GetGeofenceRequest { Id = geofence }, Reader))).StatusCode);
    }

    [Fact]
    public async Task An_alert_a_rule_raised_from_deliveries_is_acknowledged_then_cleared_over_grpc()
    {
        var vin = ApiKeys.NewVin();
        var rule = NewRuleId();
        var sender = new WebhookSender(ApiKeys.Client(fixture.Host, null));
        (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 60, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();
        await Client.PutRuleAsync(new PutRuleRequest
        {
            Rule = new Rule { Id = rule, Name = "Low battery", When = "soc < 20", For = "0s", Severity = "critical", AppliesTo = $"vin = {vin}" },
        }, Admin);

        // Each silo's twins pick the rule up within about a second: low readings keep coming until one raises the alert.
        var low = 12.0;
        var page = await Eventually.ReturnsAsync(async () =>
        {
            low = low == 12 ? 13 : 12;
            (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, low, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();
            return await Client.ListAlertsAsync(new ListAlertsRequest { Filter = $"rule = {rule}" }, Reader);
        }, p => p.Items.Count == 1, TimeSpan.FromSeconds(15), "the rule raises an alert");
        var raised = page.Items[0];
        Assert.Equal(("active", "critical", "rule"), (raised.Status, raised.Severity, raised.Origin));

        var denied = await RefusedAsync(Client.AcknowledgeAlertAsync(new AcknowledgeAlertRequest { Id = raised.Id }, Reader));
        var acknowledged = await Client.AcknowledgeAlertAsync(new AcknowledgeAlertRequest { Id = raised.Id, Reason = "driver called" }, Operator);
        var cleared = await Client.ClearAlertAsync(new ClearAlertRequest { Id = raised.Id, Reason = "charged by hand" }, Operator);

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal("acknowledged", acknowledged.Status);
        Assert.StartsWith("key:", acknowledged.AcknowledgedBy, StringComparison.Ordinal);
        Assert.Equal("closed", cleared.Status);
        Assert.Equal(["active", "acknowledged", "closed"], cleared.Timeline.Select(s => s.Status));
        Assert.Contains(cleared.Timeline, s => s.Reason == "driver called");
        var missing = await RefusedAsync(Client.AcknowledgeAlertAsync(new AcknowledgeAlertRequest { Id = "alr_nobody" }, Operator));
        var tooLong = await RefusedAsync(Client.ClearAlertAsync(new ClearAlertRequest { Id = raised.Id, Reason = new string('x', 501) }, Operator));
        Assert.Equal((StatusCode.NotFound, StatusCode.InvalidArgument), (missing.StatusCode, tooLong.StatusCode));
        Assert.StartsWith("reason:", tooLong.Status.Detail, StringComparison.Ordinal);
        await Client.DeleteRuleAsync(new DeleteRuleRequest { Id = rule }, Admin);
    }

    [Fact]
    public async Task Writing_rules_and_geofences_needs_the_admin_scope_and_a_refused_write_stores_nothing()
    {
        var (rule, geofence) = (NewRuleId(), NewGeofenceId());
        var put = new PutRuleRequest { Rule = new Rule { Id = rule, Name = "x", When = "soc < 5", Severity = "info" } };

        var byReader = await RefusedAsync(Client.PutRuleAsync(put, Reader));
        var byOperator = await RefusedAsync(Client.PutRuleAsync(put, Operator));
        var geofenceByReader = await RefusedAsync(Client.PutGeofenceAsync(
            new PutGeofenceRequest { Geofence = new Geofence { Id = geofence, Name = "Depot", Geometry = Square } }, Reader));
        var deleteByReader = await RefusedAsync(Client.DeleteRuleAsync(new DeleteRuleRequest { Id = rule }, Reader));
        var listByOperator = await RefusedAsync(Client.ListRulesAsync(new ListRulesRequest(), Operator));

        Assert.Equal([StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.PermissionDenied],
            new[] { byReader, byOperator, geofenceByReader, deleteByReader, listByOperator }.Select(e => e.StatusCode));
        Assert.Equal(StatusCode.NotFound, (await RefusedAsync(Client.GetRuleAsync(new GetRuleRequest { Id = rule }, Reader))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await RefusedAsync(Client.GetGeofenceAsync(new GetGeofenceRequest { Id = geofence }, Reader))).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await RefusedAsync(Client.ListRulesAsync(new ListRulesRequest()))).StatusCode);
    }
}
