using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FleetTwins.Host.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Security;

/// <summary>
/// Every query and path parameter of every operation the served OpenAPI document lists, sent edge values (empty, huge,
/// negative, the calendar's ends, non-numbers, long text, forged cursors): no answer is a 5xx, and a 400 is problem JSON
/// that names the parameter it is about. Beside the walk, the findings it stands for, each on its own.
/// </summary>
public sealed class ParameterWalkTests(HostileHostFixture fixture, ITestOutputHelper output) : IClassFixture<HostileHostFixture>
{
    private static readonly string[] Edges =
    [
        "", " ", "-1", "0", "2147483648", "-2147483649", "99999999999999999999", "1e999", "NaN", "Infinity",
        "9999-12-31", "0001-01-01", "9999-12-31T23:59:59.9999999Z", "0001-01-01T00:00:00Z", "2026-02-30", "abc", "x:y", "../..",
        new string('x', 3000), "\u00e9\u20ac\ud83d\ude97", Cursor("h|3155378975999999999|9223372036854775807|2147483647"),
        Cursor("t|-1|x"), Cursor("n|99999999999999999999|x"), Cursor("h|0|0"), "Zm9v", "!!!", "%",
    ];

    /// <summary>Edges only a query string carries: a NUL in a path is refused by the server before any route, without a body.</summary>
    private static readonly string[] QueryEdges = ["\u0000", "\u001b[31m"];

    /// <summary>A value for each parameter when another one is walked, so the request reaches the check of the walked one.</summary>
    private Dictionary<string, string> Baseline => new()
    {
        ["id"] = fixture.TwinId,
        ["tripId"] = "trip-1",
        ["alias"] = "imei:000000000000001",
        ["commandId"] = "cmd-1",
        ["reading"] = "stateOfCharge",
        ["eventType"] = "device.telemetry",
    };

    /// <summary>A valid body per operation, so what is answered is about the parameters.</summary>
    private static readonly Dictionary<string, string> Bodies = new()
    {
        ["SendCommand"] = """{"command":"START_CHARGING"}""",
        ["SendChargerCommand"] = """{"command":"START_CHARGING"}""",
        ["LinkAlias"] = """{"alias":"imei:000000000000002"}""",
        ["SetChargingTarget"] = """{"targetSoc":80}""",
        ["PutGeofence"] = """{"name":"Walked","circle":{"center":{"latitude":52.52,"longitude":13.405},"radiusMeters":100}}""",
        ["ReplaceRule"] = """{"name":"Walked","when":"soc < 1","severity":"info","enabled":false}""",
        ["PatchVehicle"] = """{"notes":"walked"}""",
    };

    private HttpClient Client => ApiKeys.Client(fixture.Host, ApiKeys.All);

    private static string Cursor(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public async Task Every_parameter_of_every_operation_answers_edge_values_without_a_5xx_and_names_itself_in_a_400()
    {
        using var client = Client;
        using var document = JsonDocument.Parse(await fixture.Host.Http.GetStringAsync("/openapi/v1.json"));
        var failures = new List<string>();
        var sent = 0;
        foreach (var (path, method, operation) in Operations(document.RootElement))
        {
            var parameters = Parameters(operation).ToList();
            foreach (var (name, location) in parameters)
            {
                foreach (var edge in location == "query" ? Edges.Concat(QueryEdges) : Edges)
                {
                    var values = parameters.Where(p => p.Name != name && Baseline.ContainsKey(p.Name)).ToDictionary(p => p.Name, p => Baseline[p.Name]);
                    values[name] = edge;
                    var uri = Uri(path, parameters, values);
                    var (status, body) = await SendAsync(client, method, uri, operation);
                    sent++;
                    if (status >= 500 || (status == 400 && !Names(body, name)))
                    {
                        failures.Add($"{method} {uri[..Math.Min(uri.Length, 160)]} ({name}) -> {status} {body[..Math.Min(body.Length, 200)]}");
                    }
                }
            }
        }

        output.WriteLine($"{sent} requests");
        Assert.True(sent > 500, $"the walk sent only {sent} requests: does the document list the operations?");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [InlineData("history?reading=stateOfCharge&from=9999-12-31")]
    [InlineData("history?reading=stateOfCharge&to=0001-01-01")]
    [InlineData("trips?from=9999-12-31T23:59:59.9999999Z")]
    [InlineData("trips?to=0001-01-01")]
    [InlineData("notifications?from=9999-12-31")]
    [InlineData("notifications?to=0001-01-01T00:00:00Z")]
    public async Task A_window_open_at_the_calendars_end_is_an_empty_page_not_a_500(string query)
    {
        using var client = Client;
        using var answer = await client.GetAsync($"/api/vehicles/{fixture.TwinId}/{query}");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/parked?limit=0")]
    [InlineData("/api/parked?limit=-5")]
    [InlineData("/api/parked/replay?limit=100001")]
    public async Task A_parked_messages_limit_out_of_range_is_a_400_naming_it(string uri)
    {
        using var client = Client;
        using var answer = uri.Contains("replay", StringComparison.Ordinal) ? await client.PostAsync(uri, null) : await client.GetAsync(uri);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.True(Names(await answer.Content.ReadAsStringAsync(), "limit"));
    }

    [Fact]
    public async Task A_command_argument_no_number_can_hold_is_a_400_and_not_recorded()
    {
        using var client = Client;
        var vin = await NewTwinAsync(client);
        using var answer = await client.PostAsync($"/api/vehicles/{vin}/commands",
            new StringContent("""{"command":"SET_CHARGE_LIMIT","arguments":{"limit":[1e999]}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("arguments.limit[0]", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vin}/commands")).GetArrayLength());
    }

    [Fact]
    public async Task A_command_to_a_provider_the_host_does_not_know_is_a_404_and_nothing_is_recorded()
    {
        using var client = Client;
        var vin = await NewTwinAsync(client);
        using var unknown = await client.PostAsync($"/api/vehicles/{vin}/commands",
            new StringContent("""{"command":"START_CHARGING","provider":"acme"}""", Encoding.UTF8, "application/json"));
        using var known = await client.PostAsync($"/api/vehicles/{vin}/commands",
            new StringContent("""{"command":"STOP_CHARGING","provider":"telematica"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("'acme'", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        var commands = await client.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vin}/commands");
        Assert.Equal(["STOP_CHARGING"], commands.EnumerateArray().Select(c => c.GetProperty("command").GetString()));
    }

    private async Task<string> NewTwinAsync(HttpClient client)
    {
        var vin = ApiKeys.NewVin();
        (await new WebhookSender(ApiKeys.Client(fixture.Host, null)).VolterasAsync("device.telemetry",
            ApiKeys.StateOfCharge(vin, 50, DateTimeOffset.UtcNow.AddMinutes(-5)))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/vehicles/{vin}")).StatusCode);
        return vin;
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name != "parameters"))
            {
                yield return (path.Name, operation.Name.ToUpperInvariant(), operation.Value);
            }
        }
    }

    private static IEnumerable<(string Name, string In)> Parameters(JsonElement operation) =>
        operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!)).Where(p => p.Item2 is "query" or "path")
            : [];

    private static string Uri(string path, IEnumerable<(string Name, string In)> parameters, Dictionary<string, string> values)
    {
        var query = new List<string>();
        foreach (var (name, location) in parameters)
        {
            if (!values.TryGetValue(name, out var value))
            {
                continue;
            }

            if (location == "path")
            {
                path = path.Replace($"{{{name}}}", System.Uri.EscapeDataString(value), StringComparison.Ordinal);
            }
            else
            {
                query.Add($"{name}={System.Uri.EscapeDataString(value)}");
            }
        }

        return query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
    }

    /// <summary>The status and body; a live stream (a watch that opened) is answered by its status alone.</summary>
    private static async Task<(int Status, string Body)> SendAsync(HttpClient client, string method, string uri, JsonElement operation)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (method is "POST" or "PUT" or "PATCH")
        {
            var id = operation.TryGetProperty("operationId", out var named) ? named.GetString() : null;
            request.Content = new StringContent(Bodies.GetValueOrDefault(id ?? "", "{}"), Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            return ((int)response.StatusCode, "");
        }

        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Whether a 400's body is JSON whose title or detail names the parameter as a word.</summary>
    private static bool Names(string body, string parameter)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var text = string.Join(' ', new[] { "title", "detail", "message" }
                .Select(p => json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(p, out var v) ? v.ToString() : ""));
            return Regex.IsMatch(text, $@"\b{Regex.Escape(parameter)}\b", RegexOptions.IgnoreCase);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
