using System.Net;
using System.Text;
using System.Text.Json;
using FleetTwins.Grpc.V1;
using FleetTwins.Host.Tests.Infrastructure;
using FsCheck;
using FsCheck.Fluent;
using Grpc.Core;
using Grpc.Net.Client;
using ProtoStruct = Google.Protobuf.WellKnownTypes.Struct;
using ProtoValue = Google.Protobuf.WellKnownTypes.Value;

namespace FleetTwins.Host.Tests.Security;

/// <summary>A host with keys and secrets and no request rate limit (so every generated request reaches its endpoint).</summary>
public sealed class HostileHostFixture : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    /// <summary>The twin every generated request aims at (its id is its VIN).</summary>
    public string TwinId { get; } = ApiKeys.NewVin();

    public async ValueTask InitializeAsync()
    {
        var settings = ApiKeys.AddTo(WebhookSender.Settings());
        settings["RateLimits__Api__PermitsPerSecond"] = "0";
        Host = await HostProcess.StartAsync(settings);
        (await new WebhookSender(ApiKeys.Client(Host, null)).VolterasAsync("device.telemetry",
            ApiKeys.StateOfCharge(TwinId, 40, DateTimeOffset.UtcNow.AddMinutes(-30)))).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// The REST and gRPC APIs (not only the parsers) fed FsCheck-generated hostile requests: ids, bodies and headers.
/// Whatever arrives, no answer is a 5xx (gRPC: INTERNAL, UNKNOWN, DATA_LOSS), nothing a 4xx answered changed the twin,
/// and the twin still applies a valid delivery afterwards.
/// </summary>
public sealed class HostileApiProperties(HostileHostFixture fixture, ITestOutputHelper output) : IClassFixture<HostileHostFixture>
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(250).WithQuietOnSuccess(true);

    private static readonly string[] HostileTokens =
    [
        "NaN", "1e999", "-1", "101", "null", "true", "[]", "{}", "\"\"", "\"\\ud800\"", "\"\\u0000\"", "\"\\u001b[31m\"",
        "{\"\\udfff\":1}", "{\"a\":", "]", "}", ",", "\"", "\\", "\u00ff", "\ud83d\ude97", "\"" + new string('x', 20_000) + "\"",
        new string('[', 200) + new string(']', 200), "99999999999999999999999",
    ];

    private static readonly string[] Seeds =
    [
        """{"command":"SET_CHARGE_LIMIT","arguments":{"limit":80},"idempotencyKey":"k-1"}""",
        """{"command":"START_CHARGING"}""",
        """{"targetSoc":80}""",
        """{"lowSocPercent":20,"lowTirePressureKpa":200,"offlineDwellMinutes":30}""",
    ];

    private static readonly string[] HostileIds =
    [
        "", "..", "%2e%2e", "a%2Fb", "%00", "%07", "%ED%A0%80", "%C0%AF", "caf%C3%A9", "a%20b", new string('x', 300), "vin:%0A",
        "%F0%9F%9A%97", "commands", "resolve", "-", "%25", "%FF%FE",
    ];

    private static readonly string[] Accepts = ["application/json", "text/event-stream", "text/html", "application/xml", "*/*", "image/png;q=0.1", "garbage"];

    private static readonly string?[] ContentTypes = ["application/json", "text/plain", "application/json; charset=utf-16", "application/x-www-form-urlencoded", null, "multipart/form-data; boundary=x"];

    private static readonly string?[] Authorizations =
    [
        $"Bearer {ApiKeys.All}", $"Bearer {ApiKeys.All}", $"Bearer {ApiKeys.All}", $"Bearer {ApiKeys.All}", $"Bearer {ApiKeys.All}",
        $"Bearer {ApiKeys.ReadOnly}", $"Bearer {ApiKeys.CommandOnly}", null, "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + new string('k', 5000),
        "bearer wrong-key-0123456789abc", $"Bearer {ApiKeys.CommandOnly}\t",
    ];

    private static Gen<string> Body =>
        from seed in Gen.Elements(Seeds)
        from steps in Gen.Choose(0, 3)
        from mutations in Gen.ListOf(Mutation, steps)
        select mutations.Aggregate(seed, (body, mutate) => mutate(body));

    private static readonly Gen<Func<string, string>> Mutation = Gen.OneOf(
        from at in Gen.Choose(0, int.MaxValue)
        select (Func<string, string>)(body => body[..(at % (body.Length + 1))]),
        from at in Gen.Choose(0, int.MaxValue)
        from token in Gen.Elements(HostileTokens)
        select (Func<string, string>)(body => body.Insert(at % (body.Length + 1), token)),
        from token in Gen.Elements(HostileTokens)
        select (Func<string, string>)(body => ReplaceFirstValue(body, token)));

    private Gen<string> Id => Gen.Frequency((3, Gen.Constant(fixture.TwinId)), (1, Gen.Elements(HostileIds)));

    private static Gen<string> Query => Gen.OneOf(
        Gen.Elements("soc%20%3C%2020", "near(1,2,3km)", "%ED%A0%80", "not%20not%20not", "soc%20%3C", "(((((", "id%20in%20()", "%00", "lastSeenAt%20%3C%20%22x%22"),
        Gen.Choose(0, 3000).Select(n => new string('(', n)));

    /// <summary>A method, a path and (for writes) a body: every endpoint of the query API that answers at once.</summary>
    private Gen<(HttpMethod Method, string Path, string? Body)> Request =>
        from id in Id
        from body in Body
        from query in Query
        from limit in Gen.Elements("", "0", "-1", "501", "abc", "2147483648")
        from pick in Gen.Choose(0, 12)
        select pick switch
        {
            0 => (HttpMethod.Get, $"/api/vehicles/{id}", (string?)null),
            1 => (HttpMethod.Get, $"/api/vehicles/{id}/commands", null),
            2 => (HttpMethod.Get, $"/api/vehicles/{id}/commands/{id}", null),
            3 => (HttpMethod.Get, $"/api/vehicles/{id}/notifications", null),
            4 => (HttpMethod.Get, $"/api/vehicles?filter={query}&limit={limit}&cursor={id}&sort={id}", null),
            5 => (HttpMethod.Get, $"/api/fleet/aggregates?filter={query}", null),
            6 => (HttpMethod.Get, $"/api/vehicles/resolve?vin={id}&imei={id}&provider={id}&id={id}", null),
            7 => (HttpMethod.Post, $"/api/vehicles/{id}/commands", body),
            8 => (HttpMethod.Put, $"/api/vehicles/{id}/charging-target", body),
            9 => (HttpMethod.Put, $"/api/vehicles/{id}/notification-thresholds", body),
            10 => (HttpMethod.Get, $"/api/chargers/{id}", null),
            11 => (HttpMethod.Post, $"/api/chargers/{id}/commands", body),
            _ => (HttpMethod.Patch, $"/api/vehicles/{id}", body),
        };

    [Fact]
    public async Task Hostile_rest_requests_never_answer_5xx_a_4xx_changes_nothing_and_the_twin_still_applies_a_delivery()
    {
        using var http = new HttpClient { BaseAddress = fixture.Host.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var version = await VersionAsync();
        var answered = new Dictionary<int, int>();
        var cases = from request in Request
                    from accept in Gen.Elements(Accepts)
                    from contentType in Gen.Elements(ContentTypes)
                    from authorization in Gen.Elements(Authorizations)
                    from forwarded in Gen.Elements(null, "8.8.8.8, unknown", "127.0.0.1", "::1, ::1")
                    select (request, accept, contentType, authorization, forwarded);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (request, accept, contentType, authorization, forwarded) = c;
            using var message = new HttpRequestMessage(request.Method, request.Path);
            if (request.Body is { } body)
            {
                message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                if (contentType is not null)
                {
                    message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                }
            }

            message.Headers.TryAddWithoutValidation("Accept", accept);
            message.Headers.TryAddWithoutValidation("If-None-Match", "\"v\", *, W/");
            if (authorization is not null)
            {
                message.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            if (forwarded is not null)
            {
                message.Headers.TryAddWithoutValidation("X-Forwarded-For", forwarded);
            }

            using var response = http.Send(message);
            var status = (int)response.StatusCode;
            answered[status] = answered.GetValueOrDefault(status) + 1;
            var answer = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.True(status < 500, $"{request.Method} {request.Path} (Accept {accept}, {contentType}, {authorization?[..Math.Min(20, authorization.Length)]}) answered {status}: {answer}");
            var now = VersionAsync().GetAwaiter().GetResult();
            if (status >= 400)
            {
                Assert.True(now == version, $"{request.Method} {request.Path} answered {status} but the twin moved from version {version} to {now}: {answer}");
            }

            version = now;
        }).Check(Config);

        output.WriteLine("answered: " + string.Join(", ", answered.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}")));
        await TwinStillAppliesAsync(version);
    }

    [Fact]
    public async Task Hostile_grpc_calls_never_fail_internally_a_refused_one_changes_nothing_and_the_twin_still_applies_a_delivery()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.Host.GrpcPort}");
        var client = new VehicleTwins.VehicleTwinsClient(channel);
        var version = await VersionAsync();
        var answered = new Dictionary<StatusCode, int>();
        var text = Gen.OneOf(ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""), Gen.Elements(HostileIds), Id,
            Gen.Elements("\u0007", "a\u0000b", "\u001b[31m", new string('x', 70_000), "near(1, 2, 3km) or soc < 5"));
        var arguments = from key in text
                        from value in text
                        from number in Gen.Elements(double.NaN, double.PositiveInfinity, 1e308, -0.0, 42)
                        select Arguments(key, value, number);
        var calls = from kind in Gen.Choose(0, 6)
                    from a in text
                    from b in text
                    from limit in Gen.Elements(0, -1, 1, 501, int.MaxValue, int.MinValue)
                    from args in arguments
                    from key in Gen.Frequency((6, Gen.Constant(ApiKeys.All)), (1, Gen.Elements(ApiKeys.ReadOnly, ApiKeys.CommandOnly, "", "wrong-key-0123456789abc")))
                    select (kind, a, b, limit, args, key);

        Prop.ForAll(calls.ToArbitrary(), c =>
        {
            var (kind, a, b, limit, args, key) = c;
            var auth = new Metadata { { "authorization", $"Bearer {key}" } };
            var status = StatusCode.OK;
            string detail = "";
            try
            {
                switch (kind)
                {
                    case 0: client.GetVehicle(new GetVehicleRequest { Id = a }, auth); break;
                    case 1: client.ResolveVehicle(new ResolveVehicleRequest { ProviderId = new ProviderId { Provider = a, Id = b } }, auth); break;
                    case 2: client.SearchVehicles(new SearchVehiclesRequest { Filter = a, Sort = b, Limit = limit, Cursor = b }, auth); break;
                    case 3: client.GetFleetAggregates(new GetFleetAggregatesRequest { Filter = a }, auth); break;
                    case 4: client.ListCommands(new ListCommandsRequest { VehicleId = a }, auth); break;
                    case 5: client.SendCommand(new SendCommandRequest { VehicleId = fixture.TwinId, Command = b, Arguments = args, IdempotencyKey = a }, auth); break;
                    default: client.SendCommand(new SendCommandRequest { VehicleId = a, Command = "SET_PROFILE", Arguments = args, IdempotencyKey = b }, auth); break;
                }
            }
            catch (RpcException e)
            {
                (status, detail) = (e.StatusCode, e.Status.Detail);
            }

            answered[status] = answered.GetValueOrDefault(status) + 1;
            if (status == StatusCode.Unavailable)
            {
                output.WriteLine($"UNAVAILABLE for call {kind}: {detail}");
            }

            Assert.False(status is StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss or StatusCode.Unimplemented,
                $"call {kind} ({a[..Math.Min(40, a.Length)]}, {b[..Math.Min(40, b.Length)]}) failed with {status}: {detail}");
            var now = VersionAsync().GetAwaiter().GetResult();
            if (status != StatusCode.OK)
            {
                Assert.True(now == version, $"call {kind} answered {status} but the twin moved from version {version} to {now}: {detail}");
            }

            version = now;
        }).Check(Config);

        output.WriteLine("answered: " + string.Join(", ", answered.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}")));
        await TwinStillAppliesAsync(version);
    }

    private static ProtoStruct Arguments(string key, string value, double number)
    {
        var arguments = new ProtoStruct();
        // Struct keys cannot be empty (the client refuses to send one): each generated key gets a first character.
        arguments.Fields["k" + key] = ProtoValue.ForString(value);
        arguments.Fields["n"] = ProtoValue.ForNumber(number);
        arguments.Fields["nested"] = ProtoValue.ForStruct(new ProtoStruct { Fields = { ["v" + value] = ProtoValue.ForList(ProtoValue.ForString(key)) } });
        return arguments;
    }

    private async Task<long> VersionAsync()
    {
        using var response = await ApiKeys.Client(fixture.Host, ApiKeys.All).GetAsync($"/api/vehicles/{fixture.TwinId}");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt64();
    }

    private async Task TwinStillAppliesAsync(long version)
    {
        var delivered = await new WebhookSender(ApiKeys.Client(fixture.Host, null)).VolterasAsync("device.telemetry",
            ApiKeys.StateOfCharge(fixture.TwinId, 66, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        using var twin = JsonDocument.Parse(await ApiKeys.Client(fixture.Host, ApiKeys.All).GetStringAsync($"/api/vehicles/{fixture.TwinId}"));
        Assert.Equal((66d, version + 1), (twin.RootElement.GetProperty("stateOfCharge").GetProperty("value").GetDouble(), twin.RootElement.GetProperty("version").GetInt64()));
    }

    /// <summary>The first value after a colon replaced by the token.</summary>
    private static string ReplaceFirstValue(string body, string token)
    {
        var colon = body.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return body;
        }

        var end = body.IndexOfAny([',', '}', ']'], colon + 1);
        return body[..(colon + 1)] + token + (end < 0 ? "" : body[end..]);
    }
}
