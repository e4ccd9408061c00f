using System.Net;
using System.Text.Json;
using FleetTwins.Grpc.V1;
using FleetTwins.Host.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;

namespace FleetTwins.Host.Tests.Api;

/// <summary>The alert inbox over real HTTP and gRPC: providers' alerts delivered by signed webhook, listed, paged and refused.</summary>
public sealed class AlertApiTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private HttpClient Reader => ApiKeys.Client(fixture.Host, ApiKeys.ReadOnly);

    /// <summary>A Volteras alert.updated, signed and delivered as the provider would.</summary>
    private async Task DeliverAsync(string alertId, string vin, string status, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        var definition = new
        {
            id = "def-1",
            name = "Battery Management System Fault",
            description = "d",
            message = "m",
            category = new { id = "c", name = "Battery", description = "b" },
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = alertId,
            status,
            alertDefinitionId = "def-1",
            vin,
            muted = false,
            createdAt,
            currentSeverity = "HIGH",
            resolutions = Array.Empty<object>(),
            definition,
            metadata = new { createdAt, updatedAt },
        });
        var response = await new WebhookSender(ApiKeys.Client(fixture.Host, null)).VolterasAsync("alert.updated", body);
        response.EnsureSuccessStatusCode();
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Reader.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task A_volteras_alert_delivered_by_signed_webhook_is_in_the_inbox_with_origin_volteras()
    {
        var vin = ApiKeys.NewVin();
        var alertId = $"va-{Guid.NewGuid():N}";
        await DeliverAsync(alertId, vin, "ACTIVE", T0, T0.AddMinutes(1));
        var vehicleId = (await GetJsonAsync($"/api/vehicles/resolve?vin={vin}")).GetProperty("id").GetString();

        var list = await GetJsonAsync($"/api/alerts?filter={Uri.EscapeDataString($"origin = volteras and vehicleId = \"{vehicleId}\"")}");
        var alert = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal((alertId, "volteras", "active", "major", "Battery Management System Fault"),
            (alert.GetProperty("id").GetString(), alert.GetProperty("origin").GetString(), alert.GetProperty("status").GetString(),
                alert.GetProperty("severity").GetString(), alert.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Null, list.GetProperty("nextCursor").ValueKind);

        await DeliverAsync(alertId, vin, "RESOLVED", T0, T0.AddMinutes(7));
        var cleared = await GetJsonAsync($"/api/alerts/{alertId}");
        Assert.Equal(("cleared", 2), (cleared.GetProperty("status").GetString(), cleared.GetProperty("version").GetInt32()));
        Assert.Equal("RESOLVED", (await GetJsonAsync($"/api/alerts/{alertId}/provider")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Reader.GetAsync($"/api/alerts/unknown-{Guid.NewGuid():N}")).StatusCode);
    }

    [Fact]
    public async Task A_vehicles_alerts_come_newest_first_a_page_at_a_time_never_repeating_one()
    {
        var vin = ApiKeys.NewVin();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add($"vp-{i}-{Guid.NewGuid():N}");
            await DeliverAsync(ids[^1], vin, "ACTIVE", T0.AddMinutes(i), T0.AddMinutes(i));
        }

        var vehicleId = (await GetJsonAsync($"/api/vehicles/resolve?vin={vin}")).GetProperty("id").GetString();
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync($"/api/vehicles/{vehicleId}/alerts?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(ids), seen);
    }

    [Theory]
    [InlineData("/api/alerts?filter=statu%20%3D%20active", "Invalid filter", "unknown field 'statu'")]
    [InlineData("/api/alerts?filter=soc%20%3C%2020", "Invalid filter", "fields are id, status")]
    [InlineData("/api/alerts?sort=soc", "Invalid search", "sort: 'soc' is not a sortable field")]
    [InlineData("/api/alerts?limit=0", "Invalid search", "limit: from 1 to 500")]
    [InlineData("/api/alerts?limit=501", "Invalid search", "limit: from 1 to 500")]
    [InlineData("/api/alerts?cursor=not-a-cursor", "Invalid search", "cursor: not a cursor this service made")]
    [InlineData("/api/vehicles/car-1/alerts?cursor=not-a-cursor", "Invalid search", "cursor: not a cursor this service made")]
    [InlineData("/api/vehicles/car%201/alerts", "Invalid vehicle id", "letters, digits")]
    [InlineData("/api/alerts/a%20b", "Invalid alert id", "letters, digits")]
    public async Task A_bad_filter_sort_limit_cursor_or_id_is_a_400_naming_the_problem(string path, string title, string detail)
    {
        var response = await Reader.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_cursor_of_another_filter_is_refused()
    {
        var vin = ApiKeys.NewVin();
        await DeliverAsync($"vc-1-{Guid.NewGuid():N}", vin, "ACTIVE", T0, T0);
        await DeliverAsync($"vc-2-{Guid.NewGuid():N}", vin, "ACTIVE", T0.AddMinutes(1), T0.AddMinutes(1));
        var page = await GetJsonAsync("/api/alerts?limit=1");

        var response = await Reader.GetAsync($"/api/alerts?limit=1&filter=status%20%3D%20active&cursor={page.GetProperty("nextCursor").GetString()}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("it belongs to another filter or sort", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_alert_list_and_an_alerts_values_as_an_object()
    {
        using var document = JsonDocument.Parse(await ApiKeys.Client(fixture.Host, null).GetStringAsync("/openapi/v1.json"));
        var list = document.RootElement.GetProperty("paths").GetProperty("/api/alerts").GetProperty("get");
        Assert.Equal(["filter", "sort", "limit", "cursor"], list.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        foreach (var status in new[] { "200", "400", "429" })
        {
            Assert.True(list.GetProperty("responses").TryGetProperty(status, out _), $"GET /api/alerts does not list {status}");
        }

        var alert = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("Alert").GetProperty("properties");
        Assert.Equal("object", alert.GetProperty("values").GetProperty("type").GetString());
    }

    [Fact]
    public async Task ListAlerts_over_grpc_pages_the_same_inbox_and_refuses_a_bad_filter()
    {
        var vin = ApiKeys.NewVin();
        var alertId = $"vg-{Guid.NewGuid():N}";
        await DeliverAsync(alertId, vin, "ACTIVE", T0, T0);
        var vehicleId = (await GetJsonAsync($"/api/vehicles/resolve?vin={vin}")).GetProperty("id").GetString();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.Host.GrpcPort}");
        var client = new VehicleTwins.VehicleTwinsClient(channel);
        var bearer = new Metadata { { "authorization", $"Bearer {ApiKeys.ReadOnly}" } };

        var page = await client.ListAlertsAsync(new ListAlertsRequest { Filter = $"vehicleId = \"{vehicleId}\"" }, bearer);

        var alert = Assert.Single(page.Items);
        Assert.Equal((alertId, "volteras", "active", vehicleId, ""), (alert.Id, alert.Origin, alert.Status, alert.VehicleId, page.NextCursor));
        Assert.False(alert.HasRule);
        var bad = await Assert.ThrowsAsync<RpcException>(() => client.ListAlertsAsync(new ListAlertsRequest { Filter = "status <" }, bearer).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }
}
