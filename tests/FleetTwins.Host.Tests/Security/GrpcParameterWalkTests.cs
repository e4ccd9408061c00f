using FleetTwins.Grpc.V1;
using FleetTwins.Host.Tests.Infrastructure;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace FleetTwins.Host.Tests.Security;

/// <summary>
/// Every method of <c>fleettwins.v1.VehicleTwins</c>, found through the service descriptor, sent the default message and,
/// field by field, edge values (Timestamps out of range, nanos of -1, a Struct holding an empty Value or NaN, negative and
/// huge numbers, long and forged text): no call ends UNKNOWN, INTERNAL or DATA_LOSS, and INVALID_ARGUMENT names the
/// field it is about. Beside the walk, the findings it stands for, each on its own.
/// </summary>
public sealed class GrpcParameterWalkTests(HostileHostFixture fixture, ITestOutputHelper output) : IClassFixture<HostileHostFixture>, IDisposable
{
    private static readonly StatusCode[] ServerFaults = [StatusCode.Unknown, StatusCode.Internal, StatusCode.DataLoss];

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    private readonly GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.Host.GrpcPort}");

    private VehicleTwins.VehicleTwinsClient Client => new(channel);

    private static Metadata Bearer => new() { { "authorization", $"Bearer {ApiKeys.All}" } };

    public void Dispose() => channel.Dispose();

    [Fact]
    public async Task Every_field_of_every_method_answers_edge_values_without_a_server_fault_and_names_itself_when_invalid()
    {
        var failures = new List<string>();
        var sent = 0;
        foreach (var method in VehicleTwins.Descriptor.Methods)
        {
            await CallAsync(method, method.InputType.Parser.ParseFrom(ByteString.Empty), null);
            await CallAsync(method, Baseline(method.InputType), null);
            foreach (var field in method.InputType.Fields.InDeclarationOrder())
            {
                foreach (var edge in EdgesOf(field))
                {
                    var message = Baseline(method.InputType);
                    field.Accessor.SetValue(message, edge);
                    await CallAsync(method, message, field);
                }
            }
        }

        output.WriteLine($"{sent} calls");
        Assert.True(sent > 100, $"the walk made only {sent} calls");
        Assert.True(failures.Count == 0, string.Join('\n', failures));

        async Task CallAsync(MethodDescriptor method, IMessage message, FieldDescriptor? field)
        {
            sent++;
            var status = await StatusOfAsync(method, message);
            var named = field is null || status.StatusCode != StatusCode.InvalidArgument || Names(status.Detail, field);
            if (ServerFaults.Contains(status.StatusCode) || !named)
            {
                var shown = message.ToString() ?? "";
                failures.Add($"{method.Name}({shown[..Math.Min(shown.Length, 160)]}) -> {status.StatusCode} {status.Detail}");
            }
        }
    }

    [Theory]
    [InlineData(253_402_300_800L, 0)]
    [InlineData(-62_135_596_801L, 0)]
    [InlineData(long.MaxValue, 0)]
    [InlineData(0L, -1)]
    [InlineData(0L, 1_000_000_000)]
    public async Task A_Timestamp_out_of_its_range_is_invalid_argument_naming_the_field(long seconds, int nanos)
    {
        var time = new Timestamp { Seconds = seconds, Nanos = nanos };

        var history = await Assert.ThrowsAsync<RpcException>(() => Client.GetHistoryAsync(
            new GetHistoryRequest { VehicleId = fixture.TwinId, Reading = "stateOfCharge", From = time }, Bearer).ResponseAsync);
        var trips = await Assert.ThrowsAsync<RpcException>(() => Client.ListTripsAsync(
            new ListTripsRequest { VehicleId = fixture.TwinId, To = time }, Bearer).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, StatusCode.InvalidArgument), (history.StatusCode, trips.StatusCode));
        Assert.StartsWith("from:", history.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("to:", trips.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_window_open_at_the_calendars_end_is_an_empty_page()
    {
        var end = Timestamp.FromDateTimeOffset(DateTimeOffset.MaxValue);
        var start = Timestamp.FromDateTimeOffset(DateTimeOffset.MinValue);

        var history = await Client.GetHistoryAsync(new GetHistoryRequest { VehicleId = fixture.TwinId, Reading = "stateOfCharge", From = end }, Bearer);
        var trips = await Client.ListTripsAsync(new ListTripsRequest { VehicleId = fixture.TwinId, To = start }, Bearer);

        Assert.Empty(history.Items);
        Assert.Empty(trips.Trips);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("nan")]
    [InlineData("infinity")]
    [InlineData("nested empty")]
    public async Task A_command_argument_JSON_cannot_hold_is_invalid_argument_and_not_recorded(string kind)
    {
        var vin = await NewTwinAsync();
        var value = kind switch
        {
            "empty" => new Value(),
            "nan" => Value.ForNumber(double.NaN),
            "infinity" => Value.ForNumber(double.PositiveInfinity),
            _ => Value.ForList(Value.ForNumber(1), Value.ForStruct(new Struct { Fields = { ["x"] = new Value() } })),
        };
        var request = new SendCommandRequest { VehicleId = vin, Command = "SET_CHARGE_LIMIT", Arguments = new Struct { Fields = { ["limit"] = value } } };

        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.SendCommandAsync(request, Bearer).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("arguments.limit", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await Client.ListCommandsAsync(new ListCommandsRequest { VehicleId = vin }, Bearer)).Commands);
    }

    [Fact]
    public async Task A_command_to_a_provider_the_host_does_not_know_is_not_found_and_nothing_is_recorded()
    {
        var vin = await NewTwinAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.SendCommandAsync(
            new SendCommandRequest { VehicleId = vin, Command = "START_CHARGING", Provider = "acme" }, Bearer).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        Assert.Contains("'acme'", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await Client.ListCommandsAsync(new ListCommandsRequest { VehicleId = vin }, Bearer)).Commands);
    }

    private async Task<string> NewTwinAsync()
    {
        var vin = ApiKeys.NewVin();
        (await new WebhookSender(ApiKeys.Client(fixture.Host, null)).VolterasAsync("device.telemetry",
            ApiKeys.StateOfCharge(vin, 50, DateTimeOffset.UtcNow.AddMinutes(-5)))).EnsureSuccessStatusCode();
        return vin;
    }

    /// <summary>
    /// A request that reaches its method's checks: the fixture's twin, a reading kind, a command, a rule and a geofence that
    /// are valid (the rule disabled, so that it raises nothing; DeleteRule and DeleteGeofence, walked after the puts, remove them).
    /// </summary>
    private IMessage Baseline(MessageDescriptor type)
    {
        var message = type.Parser.ParseFrom(ByteString.Empty);
        foreach (var field in type.Fields.InDeclarationOrder())
        {
            object? value = field.Name switch
            {
                "id" or "vehicle_id" => fixture.TwinId,
                "reading" => "stateOfCharge",
                "command" => "SET_CHARGE_LIMIT",
                "alias" => "imei:000000000000003",
                "arguments" => new Struct { Fields = { ["limit"] = Value.ForNumber(80) } },
                "rule" => new Rule { Id = fixture.TwinId, Name = "walk", When = "soc < 1", Severity = "info", Enabled = false },
                "geofence" => new Geofence
                {
                    Id = fixture.TwinId,
                    Name = "walk",
                    Circle = new GeofenceCircle { Center = new LatLng { Latitude = 52.5, Longitude = 13.4 }, RadiusMeters = 100 },
                },
                _ => null,
            };
            if (value is not null)
            {
                field.Accessor.SetValue(message, value);
            }
        }

        return message;
    }

    private static IEnumerable<object> EdgesOf(FieldDescriptor field) => field switch
    {
        { IsRepeated: true } or { IsMap: true } => [],
        { FieldType: FieldType.String } => ["", " ", "-1", "9999-12-31", "x:y", "../..", new string('x', 5000), "\u0000\u001b", "Zm9v", "aHwzMTU1Mzc4OTc1OTk5OTk5OTk5OXwxfDE", "\ud83d\ude97"],
        { FieldType: FieldType.Int32 } => [-1, int.MaxValue, int.MinValue, 1_001],
        { FieldType: FieldType.Int64 } => [-1L, long.MaxValue, long.MinValue],
        { FieldType: FieldType.Bool } => [true],
        { FieldType: FieldType.Message } when field.MessageType.FullName == Timestamp.Descriptor.FullName =>
        [
            new Timestamp { Seconds = long.MaxValue }, new Timestamp { Seconds = long.MinValue }, new Timestamp { Seconds = 253_402_300_800 },
            new Timestamp { Seconds = -62_135_596_801 }, new Timestamp { Nanos = -1 }, new Timestamp { Nanos = int.MaxValue },
            Timestamp.FromDateTimeOffset(DateTimeOffset.MaxValue), Timestamp.FromDateTimeOffset(DateTimeOffset.MinValue),
        ],
        { FieldType: FieldType.Message } when field.MessageType.FullName == Struct.Descriptor.FullName =>
        [
            new Struct(), new Struct { Fields = { ["x"] = new Value() } }, new Struct { Fields = { ["x"] = Value.ForNumber(double.NaN) } },
            new Struct { Fields = { ["x"] = Value.ForNumber(double.NegativeInfinity) } },
            new Struct { Fields = { ["x"] = Value.ForList(new Value(), Value.ForNumber(double.MaxValue)) } },
            new Struct { Fields = { ["x"] = Value.ForString(new string('x', 20_000)) } },
        ],
        { FieldType: FieldType.Message } => [field.MessageType.Parser.ParseFrom(ByteString.Empty)],
        _ => [],
    };

    /// <summary>The status a call ends with (OK once a stream delivered its first event, or its deadline passed quietly).</summary>
    private async Task<Status> StatusOfAsync(MethodDescriptor method, IMessage message)
    {
        var invoker = channel.CreateCallInvoker();
        var options = new CallOptions(Bearer, DateTime.UtcNow.AddSeconds(10));
        try
        {
            if (method.IsServerStreaming)
            {
                var rpc = new Method<byte[], byte[]>(MethodType.ServerStreaming, method.Service.FullName, method.Name, Bytes, Bytes);
                using var call = invoker.AsyncServerStreamingCall(rpc, null, options, message.ToByteArray());
                await call.ResponseStream.MoveNext(CancellationToken.None);
                return Status.DefaultSuccess;
            }

            var unary = new Method<byte[], byte[]>(MethodType.Unary, method.Service.FullName, method.Name, Bytes, Bytes);
            using var answer = invoker.AsyncUnaryCall(unary, null, options, message.ToByteArray());
            await answer.ResponseAsync;
            return Status.DefaultSuccess;
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }

    /// <summary>Whether a detail names the field, as the proto spells it or in camel case.</summary>
    private static bool Names(string detail, FieldDescriptor field) =>
        detail.Contains(field.Name, StringComparison.OrdinalIgnoreCase) || detail.Contains(field.JsonName, StringComparison.OrdinalIgnoreCase)
        || detail.Contains(field.Name.Replace("_", " ", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
}
