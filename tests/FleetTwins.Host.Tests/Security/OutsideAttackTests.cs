using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FleetTwins.Grpc.V1;
using FleetTwins.Host.Tests.Api;
using FleetTwins.Host.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;

namespace FleetTwins.Host.Tests.Security;

/// <summary>
/// The findings of an outside attack on the embedded host, each replayed against a real host with keys and
/// provider secrets: what broke a twin, leaked a 500, replayed a delivery or froze a reading is refused or harmless.
/// </summary>
public sealed class OutsideAttackTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>
{
    private HttpClient With(string? key) => ApiKeys.Client(fixture.Host, key);

    private WebhookSender Sender => new(With(null));

    /// <summary>A twin made by a Volteras reading (its id is its VIN), and that reading's time.</summary>
    private async Task<string> VehicleAsync(double soc = 40)
    {
        var vin = ApiKeys.NewVin();
        await Ok(await Sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, soc, DateTimeOffset.UtcNow.AddMinutes(-10))));
        return vin;
    }

    private async Task<JsonElement> TwinAsync(string id)
    {
        using var response = await With(ApiKeys.ReadOnly).GetAsync($"/api/vehicles/{id}");
        return JsonDocument.Parse(await Ok(response)).RootElement.Clone();
    }

    private static async Task<string> Ok(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("""{"command":"SET_CHARGE_LIMIT","arguments":{"\ud800":1}}""", "arguments")]
    [InlineData("""{"command":"SET_CHARGE_LIMIT","arguments":{"s":"\ud800"}}""", "arguments.s")]
    [InlineData("""{"command":"SET_CHARGE_LIMIT","arguments":{"s":["ok","\u0007"]}}""", "arguments.s[1]")]
    [InlineData("""{"command":"SET_CHARGE_LIMIT","arguments":{"limit":80},"idempotencyKey":"\udc00"}""", "valid text")]
    [InlineData("""{"command":"SET_CHARGE_LIMIT","arguments":{"limit":80},"idempotencyKey":"a\u0000b"}""", "control character")]
    [InlineData("""{"command":"SET_CHARGE_LIMIT","arguments":{"limit":80,"limit":99}}""", "Duplicate property 'limit'")]
    [InlineData("""{"command":"SET_CHARGE_LIMIT","arguments":{"limit":{"at":1,"at":2}}}""", "Duplicate property 'at'")]
    [InlineData("""{"command":"STOP_CHARGING","command":"SET_CHARGE_LIMIT","arguments":{"limit":80}}""", "Duplicate property 'command'")]
    [InlineData("""{"command":"SET_CHARGE_LIMIT","\ud800":1,"arguments":{"limit":80}}""", "surrogate")]
    public async Task A_command_whose_text_is_not_valid_is_400_stores_nothing_and_the_twin_keeps_working(string body, string mentioned)
    {
        var id = await VehicleAsync();
        var command = With(ApiKeys.CommandOnly);

        using var refused = await command.PostAsync($"/api/vehicles/{id}/commands", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mentioned, await refused.Content.ReadAsStringAsync());
        Assert.Equal("[]", await Ok(await With(ApiKeys.ReadOnly).GetAsync($"/api/vehicles/{id}/commands")));
        await Ok(await Sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(id, 43, DateTimeOffset.UtcNow)));
        var twin = await TwinAsync(id);
        Assert.Equal(43, twin.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
        // What search serves (the projection of what was persisted) agrees with the twin.
        var found = await Eventually.ReturnsAsync(
            async () => JsonDocument.Parse(await With(ApiKeys.ReadOnly).GetStringAsync($"/api/vehicles?filter=id%20%3D%20{id}")).RootElement.Clone(),
            page => page.GetProperty("items").GetArrayLength() == 1
                && page.GetProperty("items")[0].GetProperty("version").GetInt64() == twin.GetProperty("version").GetInt64(),
            TimeSpan.FromSeconds(10), "search to show the twin's version");
        Assert.Equal(43, found.GetProperty("items")[0].GetProperty("soc").GetDouble());
    }

    [Fact]
    public async Task Command_arguments_are_at_most_16_KB_and_a_command_body_at_most_64_KB()
    {
        var id = await VehicleAsync();
        var command = With(ApiKeys.CommandOnly);

        using var large = await command.PostAsync($"/api/vehicles/{id}/commands",
            Json($$$"""{"command":"SET_PROFILE","arguments":{"pad":"{{{new string('x', 17 * 1024)}}}"}}"""));
        // The 1 MiB body announces itself and waits for "100 Continue": the host refuses it from its Content-Length,
        // and the client then never writes it (otherwise the answer races the client's writes into a closed socket).
        using var hugeRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/vehicles/{id}/commands")
        {
            Content = Json($$$"""{"command":"SET_PROFILE","arguments":{"pad":"{{{new string('x', 1024 * 1024)}}}"}}"""),
            Headers = { ExpectContinue = true },
        };
        using var huge = await command.SendAsync(hugeRequest);
        using var fits = await command.PostAsync($"/api/vehicles/{id}/commands",
            Json($$$"""{"command":"SET_PROFILE","arguments":{"pad":"{{{new string('x', 15 * 1024)}}}"}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, large.StatusCode);
        Assert.Contains("16384 bytes", await large.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, fits.StatusCode);
    }

    [Fact]
    public async Task A_grpc_command_with_a_control_character_in_its_arguments_is_invalid_argument_and_stores_nothing()
    {
        var id = await VehicleAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.Host.GrpcPort}");
        var client = new VehicleTwins.VehicleTwinsClient(channel);
        var auth = new Metadata { { "authorization", $"Bearer {ApiKeys.All}" } };
        var arguments = new Google.Protobuf.WellKnownTypes.Struct();
        arguments.Fields["note"] = Google.Protobuf.WellKnownTypes.Value.ForString("bell\u0007");

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.SendCommandAsync(
            new SendCommandRequest { VehicleId = id, Command = "SET_PROFILE", Arguments = arguments }, auth).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Empty((await client.ListCommandsAsync(new ListCommandsRequest { VehicleId = id }, auth)).Commands);
    }

    public static TheoryData<string> NotJson => new() { "text/event-stream", "text/html", "application/xml" };

    [Theory]
    [MemberData(nameof(NotJson))]
    public async Task Errors_answer_problem_details_whatever_the_request_accepts(string accept)
    {
        async Task ProblemAsync(HttpClient client, HttpMethod method, string path, HttpStatusCode status)
        {
            using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Get ? null : Json("{}") };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{method} {path} with Accept {accept}: {(int)response.StatusCode} {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal((int)status, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
        }

        await ProblemAsync(With(null), HttpMethod.Get, "/api/vehicles/car-1/watch", HttpStatusCode.Unauthorized);
        await ProblemAsync(With("wrong-key-0123456789abc"), HttpMethod.Get, "/api/fleet/watch", HttpStatusCode.Unauthorized);
        await ProblemAsync(With(ApiKeys.ReadOnly), HttpMethod.Post, "/api/vehicles/car-1/commands", HttpStatusCode.Forbidden);
        await ProblemAsync(With(ApiKeys.ReadOnly), HttpMethod.Get, "/api/vehicles/not%20an%20id", HttpStatusCode.BadRequest);
        await ProblemAsync(With(ApiKeys.ReadOnly), HttpMethod.Get, "/api/vehicles/nobody-here", HttpStatusCode.NotFound);
        Assert.DoesNotContain("Unable to find a registered", fixture.Host.Output);
    }

    [Fact]
    public async Task A_captured_connected_delivery_replayed_to_the_disconnected_path_after_300_others_changes_nothing()
    {
        var device = $"replay-{Guid.NewGuid():N}";
        var body = Encoding.UTF8.GetBytes($$"""{"id":"{{device}}","deviceType":"VEHICLE"}""");
        var capturedAt = DateTimeOffset.UtcNow;
        const string captured = "msg_captured_connected";
        var messageId = $"{captured}_{device}";
        await Ok(await Sender.SignedAsync("/webhooks/volteras/device.connected", WebhookSender.VolterasSecret, body, messageId, capturedAt));
        var twinId = JsonDocument.Parse(await Ok(await With(ApiKeys.ReadOnly).GetAsync($"/api/vehicles/resolve?provider=volteras&id={device}")))
            .RootElement.GetProperty("id").GetString()!;
        for (var i = 0; i < 300; i++)
        {
            var odometer = Encoding.UTF8.GetBytes(
                $$$$"""{"metricType":"ODOMETER","vehicle":{"id":"{{{{device}}}}"},"timestamp":"{{{{DateTimeOffset.UtcNow.AddSeconds(-300 + i):O}}}}","odometer":{"unit":"km","value":{{{{i}}}}}}""");
            await Ok(await Sender.VolterasAsync("device.telemetry", odometer));
        }

        using var replay = await Sender.SignedAsync("/webhooks/volteras/device.disconnected", WebhookSender.VolterasSecret, body, messageId, capturedAt);

        Assert.Contains("Duplicate", await Ok(replay));
        Assert.True((await TwinAsync(twinId)).GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task A_reading_dated_9999_is_refused_and_the_next_real_reading_applies()
    {
        var id = await VehicleAsync(40);

        using var future = await Sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(id, 99, new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero)));
        await Ok(await Sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(id, 55, DateTimeOffset.UtcNow)));

        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Contains("ahead of this host's clock", await future.Content.ReadAsStringAsync());
        Assert.Equal(55, (await TwinAsync(id)).GetProperty("stateOfCharge").GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Made_up_event_types_are_counted_as_unknown_and_named_only_in_the_log()
    {
        var names = Enumerable.Range(0, 50).Select(i => $"made.up.{i}.{Guid.NewGuid():N}{new string('z', 3000)}").ToList();
        foreach (var name in names)
        {
            await Ok(await Sender.TelematicaAsync(Encoding.UTF8.GetBytes($$"""{"type":"{{name}}","vehicleId":"x"}""")));
        }

        var metrics = await Eventually.ReturnsAsync(() => With(null).GetStringAsync("/metrics"),
            m => m.Contains("""outcome="unknown-type",provider="telematica",type="unknown"}""", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the unknown types to be counted");

        Assert.DoesNotContain("made.up.", metrics);
        await Eventually.ReturnsAsync(() => Task.FromResult(fixture.Host.Output), o => o.Contains(names[^1][..60], StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the made-up type to be logged");
    }
}
