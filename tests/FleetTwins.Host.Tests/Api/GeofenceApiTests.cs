using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Api;

/// <summary>Geofences over real HTTP: create, replace, read, list, delete, scopes, and every kind of bad input refused with nothing stored.</summary>
public sealed class GeofenceApiTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>
{
    private const string Square = "[[13.40,52.51],[13.41,52.51],[13.41,52.52],[13.40,52.52],[13.40,52.51]]";

    private HttpClient Admin => ApiKeys.Client(fixture.Host, ApiKeys.All);

    private static string NewId() => "gf-" + Guid.NewGuid().ToString("N")[..10];

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Polygon(string id, string ring = Square, string extra = "") =>
        $$"""{"id":"{{id}}","name":"Depot {{id}}","geometry":{"type":"Polygon","coordinates":[{{ring}}]}{{extra}}}""";

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task A_geofence_is_created_read_listed_replaced_and_deleted()
    {
        var (id, circle) = (NewId(), NewId());
        var created = await Admin.PostAsync("/api/geofences", Body(Polygon(id, extra: ""","minDwell":"90s","exitBufferMeters":40""")));
        var body = await JsonAsync(created, HttpStatusCode.Created);
        Assert.Equal($"/api/geofences/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(("90s", 40d, 1L, "Polygon"), (body.GetProperty("minDwell").GetString(), body.GetProperty("exitBufferMeters").GetDouble(),
            body.GetProperty("version").GetInt64(), body.GetProperty("geometry").GetProperty("type").GetString()));
        await JsonAsync(await Admin.PostAsync("/api/geofences", Body(Polygon(id))), HttpStatusCode.Conflict);

        var read = await JsonAsync(await ApiKeys.Client(fixture.Host, ApiKeys.ReadOnly).GetAsync($"/api/geofences/{id}"), HttpStatusCode.OK);
        Assert.Equal($"Depot {id}", read.GetProperty("name").GetString());

        var replaced = await JsonAsync(await Admin.PutAsync($"/api/geofences/{id}",
            Body("""{"name":"Gate","circle":{"center":{"latitude":52.52,"longitude":13.405},"radiusMeters":250}}""")), HttpStatusCode.OK);
        Assert.Equal(("Gate", 2L, "1m", 25d, 250d), (replaced.GetProperty("name").GetString(), replaced.GetProperty("version").GetInt64(),
            replaced.GetProperty("minDwell").GetString(), replaced.GetProperty("exitBufferMeters").GetDouble(),
            replaced.GetProperty("circle").GetProperty("radiusMeters").GetDouble()));
        Assert.Equal(read.GetProperty("createdAt").GetString(), replaced.GetProperty("createdAt").GetString());
        await JsonAsync(await Admin.PutAsync($"/api/geofences/{circle}", Body(Polygon(circle))), HttpStatusCode.Created);

        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await JsonAsync(await Admin.GetAsync($"/api/geofences?limit=1{(cursor is null ? "" : $"&cursor={cursor}")}"), HttpStatusCode.OK);
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(g => g.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Contains(id, ids);
        Assert.Contains(circle, ids);

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/geofences/{id}")).StatusCode);
        await JsonAsync(await Admin.DeleteAsync($"/api/geofences/{id}"), HttpStatusCode.NotFound);
        await JsonAsync(await Admin.GetAsync($"/api/geofences/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Writing_needs_the_admin_scope_and_reading_the_read_scope()
    {
        var reader = ApiKeys.Client(fixture.Host, ApiKeys.ReadOnly);
        var commander = ApiKeys.Client(fixture.Host, ApiKeys.CommandOnly);

        Assert.Contains("'admin' scope", await (await reader.PostAsync("/api/geofences", Body(Polygon(NewId())))).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync("/api/geofences/any")).StatusCode);
        Assert.Contains("'read' scope", await (await commander.GetAsync("/api/geofences")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await ApiKeys.Client(fixture.Host, null).GetAsync("/api/geofences")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/geofences")).StatusCode);
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"id":"ID","name":"n","geometry":{"type":"Polygon","coordinates":[[13.4,52.5]""", "not valid JSON" },
        { """{"id":"ID","name":"n","geometry":"POLYGON((13.4 52.5, 13.5 52.5))"}""", "geometry must be a GeoJSON object" },
        { """{"id":"ID","name":"n","geometry":{"type":"Point","coordinates":[13.4,52.5]}}""", "\"Point\"" },
        { """{"id":"ID","name":"n","geometry":{"type":"LineString","coordinates":[[13.4,52.5],[13.5,52.5]]}}""", "\"LineString\"" },
        { Polygon("ID", "[[13.40,52.51],[13.41,52.52],[13.41,52.51],[13.40,52.52],[13.40,52.51]]"), "Self-intersection" },
        { Polygon("ID", "[[13.40,52.51],[13.41,52.51],[13.41,52.52],[13.40,52.52]]"), "not closed" },
        { Polygon("ID", "[[52.51,13.40],[52.51,213.41],[52.52,13.41],[52.51,13.40]]"), "out of range" },
        { Polygon("ID", "[[13.40,52.51],[13.41,-91],[13.41,52.52],[13.40,52.51]]"), "out of range" },
        { Polygon("ID", ManyVertices()), "more than 10000 positions" },
        { """{"id":"ID","name":"n","circle":{"center":{"latitude":52.5,"longitude":13.4},"radiusMeters":0}}""", "radiusMeters" },
        { """{"id":"ID","name":"n","circle":{"center":{"latitude":52.5,"longitude":13.4},"radiusMeters":100001}}""", "radiusMeters" },
        { """{"id":"ID","name":"n","circle":{"center":{"latitude":95,"longitude":13.4},"radiusMeters":10}}""", "latitude" },
        { Polygon("ID", extra: ""","minDwell":"-1m" """), "negative" },
        { Polygon("ID", extra: ""","minDwell":"soon" """), "not a duration" },
        { Polygon("ID", extra: ""","minDwell":60"""), "not valid JSON" },
        { Polygon("ID", extra: ""","exitBufferMeters":-5"""), "exitBufferMeters" },
        { Polygon("ID", extra: ""","circle":{"center":{"latitude":52.5,"longitude":13.4},"radiusMeters":10}"""), "not both" },
        { """{"id":"ID","name":"n"}""", "is required" },
        { """{"id":"ID","geometry":{"type":"Polygon","coordinates":[[[13.40,52.51],[13.41,52.51],[13.41,52.52],[13.40,52.51]]]}}""", "name is required" },
        { Polygon("ID").Replace("\"ID\"", "\"a b\""), "geofence id" },
        { Polygon("ID").Replace("\"ID\"", $"\"{new string('x', 65)}\""), "geofence id" },
    };

    private static string ManyVertices()
    {
        var points = Enumerable.Range(0, 10_001).Select(i => (13.4 + 0.01 * Math.Cos(i * 0.0006), 52.5 + 0.01 * Math.Sin(i * 0.0006))).ToList();
        points.Add(points[0]);
        return "[" + string.Join(',', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"[{p.Item1:R},{p.Item2:R}]"))) + "]";
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_400_naming_the_problem_and_nothing_is_stored(string body, string expected)
    {
        var id = NewId();
        var json = body.Replace("\"ID\"", $"\"{id}\"", StringComparison.Ordinal);

        var posted = await JsonAsync(await Admin.PostAsync("/api/geofences", Body(json)), HttpStatusCode.BadRequest);
        var put = await Admin.PutAsync($"/api/geofences/{id}", Body(json));

        Assert.Contains(expected, posted.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        await JsonAsync(await Admin.GetAsync($"/api/geofences/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_from_its_length_before_it_is_read()
    {
        var id = NewId();
        // 10 MB announced, waiting for "100 Continue": the host refuses it from its Content-Length and the client never writes it.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/geofences")
        {
            Content = Body(Polygon(id, extra: $",\"pad\":\"{new string(' ', 10 * 1024 * 1024)}\"")),
            Headers = { ExpectContinue = true },
        };

        using var answer = await Admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        await JsonAsync(await Admin.GetAsync($"/api/geofences/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bad_id_in_the_path_or_the_cursor_is_a_400_and_a_mismatched_body_id_too()
    {
        var id = NewId();
        await JsonAsync(await Admin.GetAsync("/api/geofences/a%20b"), HttpStatusCode.BadRequest);
        await JsonAsync(await Admin.GetAsync("/api/geofences?cursor=a%20b"), HttpStatusCode.BadRequest);
        await JsonAsync(await Admin.GetAsync("/api/geofences?limit=0"), HttpStatusCode.BadRequest);
        var mismatch = await JsonAsync(await Admin.PutAsync($"/api/geofences/{id}", Body(Polygon("other"))), HttpStatusCode.BadRequest);
        Assert.Contains("differs", mismatch.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_geofence_routes()
    {
        using var document = JsonDocument.Parse(await fixture.Host.Http.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");

        Assert.Equal(["get", "post"], paths.GetProperty("/api/geofences").EnumerateObject().Select(o => o.Name).Order());
        Assert.Equal(["delete", "get", "put"], paths.GetProperty("/api/geofences/{id}").EnumerateObject().Select(o => o.Name).Order());
        Assert.True(paths.GetProperty("/api/geofences").GetProperty("post").GetProperty("responses").TryGetProperty("409", out _));
    }
}
