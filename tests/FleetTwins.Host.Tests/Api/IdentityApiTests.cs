using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FleetTwins.Grpc.V1;
using FleetTwins.Host.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;

namespace FleetTwins.Host.Tests.Api;

/// <summary>Operator identity over real HTTP and gRPC: registration claims, links, unlinks, the bulk registry.</summary>
public sealed class IdentityApiTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>
{
    private HttpClient Admin => ApiKeys.Client(fixture.Host, ApiKeys.All);

    private WebhookSender Sender => new(ApiKeys.Client(fixture.Host, null));

    private static string Id() => Guid.NewGuid().ToString("N")[..10];

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<JsonElement> ResolveAsync(string query) => await JsonAsync(await Admin.GetAsync($"/api/vehicles/resolve?{query}"), HttpStatusCode.OK);

    [Fact]
    public async Task The_readme_example_one_twin_registered_by_vin_receives_the_providers_readings()
    {
        var (car, vin) = ($"car-{Id()}", ApiKeys.NewVin());
        await JsonAsync(await Admin.PutAsJsonAsync($"/api/vehicles/{car}", new { vin }), HttpStatusCode.OK);
        Assert.Equal(car, (await ResolveAsync($"vin={vin}")).GetProperty("id").GetString());

        (await Sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 64, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();

        var twin = await JsonAsync(await Admin.GetAsync($"/api/vehicles/{car}"), HttpStatusCode.OK);
        Assert.Equal(64, twin.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/api/vehicles/{vin}")).StatusCode);
        Assert.Equal(car, (await ResolveAsync($"provider=volteras&id=vt-{vin}")).GetProperty("id").GetString());
        var found = await Eventually.ReturnsAsync(
            async () => await JsonAsync(await Admin.GetAsync($"/api/vehicles?filter={Uri.EscapeDataString($"vin = {vin}")}"), HttpStatusCode.OK),
            page => page.GetProperty("items").EnumerateArray().Any(v => v.TryGetProperty("soc", out var soc) && soc.ValueKind == JsonValueKind.Number),
            TimeSpan.FromSeconds(10), "search shows the VIN's reading");
        var item = Assert.Single(found.GetProperty("items").EnumerateArray());
        Assert.Equal((car, 64d), (item.GetProperty("id").GetString(), item.GetProperty("soc").GetDouble()));
    }

    [Fact]
    public async Task Registering_aliases_binds_each_so_that_resolve_finds_the_twin_at_once()
    {
        var (car, imei, invers) = ($"car-{Id()}", $"35{Random.Shared.NextInt64(1_000_000_000_000, 10_000_000_000_000)}", $"INV-{Id()}");
        var twin = await JsonAsync(await Admin.PutAsJsonAsync($"/api/vehicles/{car}", new { aliases = new[] { $"imei:{imei}", $"Invers:{invers}" } }),
            HttpStatusCode.OK);

        Assert.Equal([$"imei:{imei}", $"invers:{invers}"], twin.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(car, (await ResolveAsync($"imei={imei}")).GetProperty("id").GetString());
        Assert.Equal(car, (await ResolveAsync($"provider=invers&id={invers}")).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_vin_or_an_alias_held_by_another_twin_with_a_vin_is_a_409_naming_it()
    {
        var (owner, vin) = ($"owner-{Id()}", ApiKeys.NewVin());
        await JsonAsync(await Admin.PutAsJsonAsync($"/api/vehicles/{owner}", new { vin, aliases = new[] { $"volteras:{Id()}-x" } }), HttpStatusCode.OK);
        var ownerTwin = await JsonAsync(await Admin.GetAsync($"/api/vehicles/{owner}"), HttpStatusCode.OK);
        var volteras = ownerTwin.GetProperty("aliases")[1].GetString()!;

        var byVin = await JsonAsync(await Admin.PutAsJsonAsync($"/api/vehicles/other-{Id()}", new { vin }), HttpStatusCode.Conflict);
        var byAlias = await JsonAsync(await Admin.PostAsJsonAsync($"/api/vehicles/{owner}-2/aliases", new { alias = volteras }), HttpStatusCode.NotFound);
        await JsonAsync(await Admin.PutAsJsonAsync($"/api/vehicles/{owner}-2", new { vin = ApiKeys.NewVin() }), HttpStatusCode.OK);
        var linked = await JsonAsync(await Admin.PostAsJsonAsync($"/api/vehicles/{owner}-2/aliases", new { alias = volteras }), HttpStatusCode.Conflict);

        Assert.Contains(owner, byVin.GetProperty("detail").GetString());
        Assert.Equal(owner, byVin.GetProperty("conflicts")[0].GetProperty("ownerTwinId").GetString());
        Assert.Contains(owner, linked.GetProperty("detail").GetString());
        Assert.Equal(owner, (await ResolveAsync($"vin={vin}")).GetProperty("id").GetString());
        Assert.Equal("No such vehicle", byAlias.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Link_merges_the_aliases_twin_and_unlink_lets_the_next_delivery_start_a_new_one()
    {
        var (car, imei) = ($"car-{Id()}", $"35{Random.Shared.NextInt64(1_000_000_000_000, 10_000_000_000_000)}");
        await JsonAsync(await Admin.PutAsJsonAsync($"/api/vehicles/{car}", new { vin = ApiKeys.NewVin() }), HttpStatusCode.OK);
        (await Sender.TrackerAsync(Tracker(imei, 48.1))).EnsureSuccessStatusCode();
        Assert.Equal($"imei:{imei}", (await ResolveAsync($"imei={imei}")).GetProperty("id").GetString());

        var merged = await JsonAsync(await Admin.PostAsJsonAsync($"/api/vehicles/{car}/aliases", new { alias = $"imei:{imei}" }), HttpStatusCode.OK);
        Assert.Equal(48.1, merged.GetProperty("location").GetProperty("latitude").GetDouble());
        Assert.Equal(car, (await ResolveAsync($"imei={imei}")).GetProperty("id").GetString());

        var unlinked = await JsonAsync(await Admin.DeleteAsync($"/api/vehicles/{car}/aliases/imei:{imei}"), HttpStatusCode.OK);
        Assert.DoesNotContain($"imei:{imei}", unlinked.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/api/vehicles/resolve?imei={imei}")).StatusCode);
        (await Sender.TrackerAsync(Tracker(imei, 49.9))).EnsureSuccessStatusCode();
        var fresh = await ResolveAsync($"imei={imei}");
        Assert.NotEqual(car, fresh.GetProperty("id").GetString());
        Assert.Equal(49.9, fresh.GetProperty("location").GetProperty("latitude").GetDouble());
        Assert.Equal(48.1, (await JsonAsync(await Admin.GetAsync($"/api/vehicles/{car}"), HttpStatusCode.OK)).GetProperty("location").GetProperty("latitude").GetDouble());
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.DeleteAsync($"/api/vehicles/{car}/aliases/imei:{imei}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"vin":"TOO-SHORT"}""", "vin")]
    [InlineData("""{"aliases":["gps:123"]}""", "kind:id")]
    [InlineData("""{"aliases":["imei:"]}""", "kind:id")]
    [InlineData("""{"vin":"WBY00000000000001","aliases":["vin:WBY00000000000002"]}""", "two VINs")]
    public async Task A_registration_that_cannot_be_is_a_400_with_the_reason(string body, string mentioned)
    {
        var response = await Admin.PutAsync($"/api/vehicles/car-{Id()}", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(mentioned, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Identity_changes_need_the_admin_scope()
    {
        var car = $"car-{Id()}";
        await JsonAsync(await Admin.PutAsJsonAsync($"/api/vehicles/{car}", new { vin = ApiKeys.NewVin() }), HttpStatusCode.OK);
        foreach (var key in new[] { ApiKeys.ReadOnly, ApiKeys.CommandOnly })
        {
            var client = ApiKeys.Client(fixture.Host, key);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/vehicles/{car}/aliases", new { alias = "imei:1" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/vehicles/{car}/aliases/imei:1")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/vehicles/registry", Array.Empty<object>())).StatusCode);
        }
    }

    [Fact]
    public async Task The_registry_binds_every_row_once_and_reports_each_conflict()
    {
        var taken = ApiKeys.NewVin();
        await JsonAsync(await Admin.PutAsJsonAsync($"/api/vehicles/holder-{Id()}", new { vin = taken }), HttpStatusCode.OK);
        var rows = Enumerable.Range(0, 50).Select(i => new { id = $"reg-{Id()}", vin = ApiKeys.NewVin(), aliases = new[] { $"imei:{Id()}{i}", $"invers:{Id()}" } })
            .Cast<object>()
            .Append(new { id = $"reg-{Id()}", vin = taken, aliases = Array.Empty<string>() })
            .Append(new { id = "bad id!", vin = (string?)null, aliases = Array.Empty<string>() })
            .ToList();

        var first = await JsonAsync(await Admin.PostAsJsonAsync("/api/vehicles/registry", rows), HttpStatusCode.OK);
        var again = await JsonAsync(await Admin.PostAsJsonAsync("/api/vehicles/registry", rows), HttpStatusCode.OK);

        Assert.Equal((52, 50, 1, 1), (first.GetProperty("rows").GetInt32(), first.GetProperty("created").GetInt32(),
            first.GetProperty("conflicts").GetInt32(), first.GetProperty("invalid").GetInt32()));
        var conflict = first.GetProperty("results")[50];
        Assert.Equal("conflict", conflict.GetProperty("outcome").GetString());
        Assert.Contains(taken, conflict.GetProperty("message").GetString());
        Assert.Equal((50, 0), (again.GetProperty("unchanged").GetInt32(), again.GetProperty("created").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.PostAsJsonAsync("/api/vehicles/registry",
            Enumerable.Range(0, 10_001).Select(i => new { id = $"r{i}" }))).StatusCode);
    }

    [Fact]
    public async Task Grpc_links_and_unlinks_an_alias()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.Host.GrpcPort}");
        var client = new VehicleTwins.VehicleTwinsClient(channel);
        var admin = new Metadata { { "authorization", $"Bearer {ApiKeys.All}" } };
        var (car, invers) = ($"car-{Id()}", $"invers:{Id()}");
        await JsonAsync(await Admin.PutAsJsonAsync($"/api/vehicles/{car}", new { vin = ApiKeys.NewVin() }), HttpStatusCode.OK);

        var linked = await client.LinkAliasAsync(new LinkAliasRequest { VehicleId = car, Alias = invers }, admin);
        Assert.Contains(invers, linked.Aliases);
        var unlinked = await client.UnlinkAliasAsync(new UnlinkAliasRequest { VehicleId = car, Alias = invers }, admin);
        Assert.DoesNotContain(invers, unlinked.Aliases);

        var readOnly = new Metadata { { "authorization", $"Bearer {ApiKeys.ReadOnly}" } };
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() =>
            client.LinkAliasAsync(new LinkAliasRequest { VehicleId = car, Alias = invers }, readOnly).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() =>
            client.LinkAliasAsync(new LinkAliasRequest { VehicleId = car, Alias = "nonsense" }, admin).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() =>
            client.UnlinkAliasAsync(new UnlinkAliasRequest { VehicleId = car, Alias = invers }, admin).ResponseAsync)).StatusCode);
    }

    private static byte[] Tracker(string imei, double latitude)
    {
        var now = DateTimeOffset.UtcNow;
        var at = now.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff+0000", CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetBytes($$"""
            {"Event":"overspeed","Changes":1,"Device_Time":"{{at}}","Server_Time":"{{at}}","IMEI":"{{imei}}","Coordinates":"{{latitude.ToString(CultureInfo.InvariantCulture)}},11.5"}
            """);
    }
}
