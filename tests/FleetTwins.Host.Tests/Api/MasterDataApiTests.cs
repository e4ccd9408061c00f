using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Api;

/// <summary>
/// Operators' master data over real HTTP: <c>PATCH /api/vehicles/{id}</c> as a merge patch, shown under the twin's
/// <c>masterData</c>, found by search (plate, tags, group), in the twin's history; invalid members refused naming
/// themselves; the registry import carrying the same fields.
/// </summary>
public sealed class MasterDataApiTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>
{
    private HttpClient Admin => ApiKeys.Client(fixture.Host, ApiKeys.All);

    private static string Id() => Guid.NewGuid().ToString("N")[..10];

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static StringContent Patch(string json, string type = "application/merge-patch+json") => new(json, Encoding.UTF8, type);

    private async Task<string> NewTwinAsync()
    {
        var car = $"car-{Id()}";
        await JsonAsync(await Admin.PutAsJsonAsync($"/api/vehicles/{car}", new { vin = ApiKeys.NewVin() }), HttpStatusCode.OK);
        return car;
    }

    private async Task<List<string>> SearchAsync(string filter, string expectedId)
    {
        var page = await Eventually.ReturnsAsync(
            async () => await JsonAsync(await Admin.GetAsync($"/api/vehicles?filter={Uri.EscapeDataString(filter)}&limit=500"), HttpStatusCode.OK),
            p => p.GetProperty("items").EnumerateArray().Any(v => v.GetProperty("id").GetString() == expectedId),
            TimeSpan.FromSeconds(10), $"search finds {expectedId} by {filter}");
        return [.. page.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("id").GetString()!)];
    }

    [Fact]
    public async Task A_patch_shows_under_master_data_is_found_by_plate_tag_and_group_and_is_in_the_history()
    {
        var car = await NewTwinAsync();
        var plate = $"B-FT {Random.Shared.Next(100, 999)}{Id()[..3].ToUpperInvariant()}";

        var patched = await JsonAsync(await Admin.PatchAsync($"/api/vehicles/{car}",
            Patch($$"""{"name":"Van 12","plate":"{{plate}}","group":"vans","tags":["night","depot-a","night"],"batteryCapacityKwh":75.5,"notes":"spare key in the office"}""")),
            HttpStatusCode.OK);
        var master = patched.GetProperty("masterData");
        Assert.Equal(("Van 12", plate, "vans", 75.5, "api"), (master.GetProperty("name").GetString(), master.GetProperty("plate").GetString(),
            master.GetProperty("group").GetString(), master.GetProperty("batteryCapacityKwh").GetDouble(), master.GetProperty("source").GetString()));
        Assert.Equal(["depot-a", "night"], master.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        // A merge patch: null clears, absent members are kept; plain JSON is taken the same way.
        var again = await JsonAsync(await Admin.PatchAsync($"/api/vehicles/{car}", Patch("""{"notes":null,"batteryCapacityKwh":80}""", "application/json")),
            HttpStatusCode.OK);
        master = again.GetProperty("masterData");
        Assert.Equal(JsonValueKind.Null, master.GetProperty("notes").ValueKind);
        Assert.Equal((80d, plate), (master.GetProperty("batteryCapacityKwh").GetDouble(), master.GetProperty("plate").GetString()));
        Assert.Equal(master.GetRawText(),
            (await JsonAsync(await ApiKeys.Client(fixture.Host, ApiKeys.ReadOnly).GetAsync($"/api/vehicles/{car}"), HttpStatusCode.OK)).GetProperty("masterData").GetRawText());

        Assert.Contains(car, await SearchAsync($"plate = \"{plate}\"", car));
        Assert.Contains(car, await SearchAsync("tags has \"depot-a\" and group = vans", car));
        Assert.Contains(car, await SearchAsync("group = vans", car));
        var row = (await JsonAsync(await Admin.GetAsync($"/api/vehicles?filter={Uri.EscapeDataString($"plate = \"{plate}\"")}"), HttpStatusCode.OK))
            .GetProperty("items")[0];
        Assert.Equal(("Van 12", "vans"), (row.GetProperty("name").GetString(), row.GetProperty("group").GetString()));

        var history = await JsonAsync(await Admin.GetAsync($"/api/vehicles/{car}/history?reading=masterData"), HttpStatusCode.OK);
        Assert.Equal(
            [$"name=Van 12; plate={plate}; group=vans; tags=depot-a,night; batteryCapacityKwh=75.5; notes=spare key in the office", "batteryCapacityKwh=80; notes=null"],
            history.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("state").GetString()));
    }

    [Theory]
    [InlineData("""{"colour":"red"}""", "colour")]
    [InlineData("""{"plate":"B/FT 123"}""", "plate")]
    [InlineData("""{"plate":""}""", "plate")]
    [InlineData("""{"name":42}""", "name")]
    [InlineData("""{"group":"vans","group":"cars"}""", "group")]
    [InlineData("""{"tags":["depot a"]}""", "tags")]
    [InlineData("""{"tags":"depot-a"}""", "tags")]
    [InlineData("""{"tags":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r","s","t","u"]}""", "tags")]
    [InlineData("""{"batteryCapacityKwh":0}""", "batteryCapacityKwh")]
    [InlineData("""{"batteryCapacityKwh":1001}""", "batteryCapacityKwh")]
    [InlineData("""{"batteryCapacityKwh":"75"}""", "batteryCapacityKwh")]
    [InlineData("""{"notes":"a\u0007b"}""", "notes")]
    [InlineData("""["plate"]""", "body")]
    [InlineData("""{"plate":""", "body")]
    public async Task An_invalid_member_is_a_400_naming_it_and_changes_nothing(string body, string member)
    {
        var car = await NewTwinAsync();
        var before = await JsonAsync(await Admin.GetAsync($"/api/vehicles/{car}"), HttpStatusCode.OK);

        var problem = await JsonAsync(await Admin.PatchAsync($"/api/vehicles/{car}", Patch(body)), HttpStatusCode.BadRequest);

        Assert.StartsWith($"{member}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(member, problem.GetProperty("member").GetString());
        var after = await JsonAsync(await Admin.GetAsync($"/api/vehicles/{car}"), HttpStatusCode.OK);
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_read_key_is_refused_an_unknown_twin_is_a_404_and_another_media_type_a_415()
    {
        var car = await NewTwinAsync();
        var read = await ApiKeys.Client(fixture.Host, ApiKeys.ReadOnly).PatchAsync($"/api/vehicles/{car}", Patch("""{"plate":"B-FT 1"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Contains("'admin' scope", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.PatchAsync($"/api/vehicles/nobody-{Id()}", Patch("""{"plate":"B-FT 1"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Admin.PatchAsync($"/api/vehicles/{car}", Patch("""{"plate":"B-FT 1"}""", "text/plain"))).StatusCode);
        Assert.Equal(JsonValueKind.Null, (await JsonAsync(await Admin.GetAsync($"/api/vehicles/{car}"), HttpStatusCode.OK)).GetProperty("masterData").ValueKind);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_patch_its_media_types_members_and_answers()
    {
        using var document = JsonDocument.Parse(await fixture.Host.Http.GetStringAsync("/openapi/v1.json"));
        var patch = document.RootElement.GetProperty("paths").GetProperty("/api/vehicles/{id}").GetProperty("patch");
        Assert.Equal("PatchVehicle", patch.GetProperty("operationId").GetString());
        var content = patch.GetProperty("requestBody").GetProperty("content");
        Assert.True(content.TryGetProperty("application/merge-patch+json", out var mergePatch) && content.TryGetProperty("application/json", out _),
            content.GetRawText());
        var schema = mergePatch.GetProperty("schema").GetProperty("$ref").GetString()!.Split('/')[^1];
        var members = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("properties");
        Assert.Equal(["batteryCapacityKwh", "group", "name", "notes", "plate", "tags"], members.EnumerateObject().Select(p => p.Name).Order());
        foreach (var status in new[] { "200", "400", "403", "404", "413", "415" })
        {
            Assert.True(patch.GetProperty("responses").TryGetProperty(status, out _), $"PATCH /api/vehicles/{{id}} does not list {status}");
        }
    }

    [Fact]
    public async Task The_registry_import_carries_master_data_and_a_second_import_changes_only_what_differs()
    {
        var (car, vin, invalid) = ($"car-{Id()}", ApiKeys.NewVin(), $"car-{Id()}");
        object[] rows =
        [
            new { id = car, vin, plate = "B-FT 777", group = "pool", tags = new[] { "depot-b" }, batteryCapacityKwh = 42.2 },
            new { id = invalid, tags = new[] { "not a tag" } },
        ];
        var first = await JsonAsync(await Admin.PostAsJsonAsync("/api/vehicles/registry", rows), HttpStatusCode.OK);
        Assert.Equal((1, 1), (first.GetProperty("created").GetInt32(), first.GetProperty("invalid").GetInt32()));
        Assert.StartsWith("tags[0]", first.GetProperty("results")[1].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/api/vehicles/{invalid}")).StatusCode);

        var master = (await JsonAsync(await Admin.GetAsync($"/api/vehicles/{car}"), HttpStatusCode.OK)).GetProperty("masterData");
        Assert.Equal(("B-FT 777", "pool", 42.2), (master.GetProperty("plate").GetString(), master.GetProperty("group").GetString(),
            master.GetProperty("batteryCapacityKwh").GetDouble()));

        var same = await JsonAsync(await Admin.PostAsJsonAsync("/api/vehicles/registry", rows[..1]), HttpStatusCode.OK);
        Assert.Equal("unchanged", same.GetProperty("results")[0].GetProperty("outcome").GetString());
        var moved = await JsonAsync(await Admin.PostAsJsonAsync("/api/vehicles/registry", new object[] { new { id = car, vin, group = "vans" } }), HttpStatusCode.OK);
        Assert.Equal(("updated", 1), (moved.GetProperty("results")[0].GetProperty("outcome").GetString(), moved.GetProperty("updated").GetInt32()));
        master = (await JsonAsync(await Admin.GetAsync($"/api/vehicles/{car}"), HttpStatusCode.OK)).GetProperty("masterData");
        Assert.Equal(("B-FT 777", "vans"), (master.GetProperty("plate").GetString(), master.GetProperty("group").GetString()));
    }

    [Fact]
    public async Task The_cli_imports_master_data_columns_and_search_finds_them()
    {
        var (car, vin, plate) = ($"car-{Id()}", ApiKeys.NewVin(), $"HH-{Random.Shared.Next(1000, 9999)} {Id()[..2].ToUpperInvariant()}");
        var registry = Path.Combine(Path.GetTempPath(), $"registry-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(registry, $"id,vin,aliases,plate,group,tags,batteryCapacityKwh,notes\n{car},{vin},,{plate},vans,depot-a|night,75.5,\"keys, in the office\"\n");
        try
        {
            var (exitCode, output, error) = await Operations.CliTests.RunAsync(fixture.Host, "import", registry);
            Assert.True(exitCode == 0, $"{output}\n{error}");
            Assert.Contains("1 created, 0 linked, 0 merged, 0 unchanged, 0 conflict, 0 invalid, 0 updated", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(registry);
        }

        var master = (await JsonAsync(await Admin.GetAsync($"/api/vehicles/{car}"), HttpStatusCode.OK)).GetProperty("masterData");
        Assert.Equal((plate, 75.5, "keys, in the office"), (master.GetProperty("plate").GetString(), master.GetProperty("batteryCapacityKwh").GetDouble(),
            master.GetProperty("notes").GetString()));
        Assert.Contains(car, await SearchAsync($"plate = \"{plate}\" and tags has night", car));
    }
}
