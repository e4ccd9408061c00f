using System.Text;
using FleetTwins.Grpc.V1;
using FleetTwins.Host.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace FleetTwins.Host.Tests.Api;

/// <summary><c>fleettwins.v1.VehicleTwins</c> through a real gRPC client over the host's HTTP/2 port.</summary>
public sealed class GrpcTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>, IDisposable
{
    private readonly GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.Host.GrpcPort}");

    private VehicleTwins.VehicleTwinsClient Client => new(channel);

    private static Metadata Bearer(string key) => new() { { "authorization", $"Bearer {key}" } };

    public void Dispose() => channel.Dispose();

    private async Task<string> IngestAsync(double soc)
    {
        var vin = ApiKeys.NewVin();
        var sender = new WebhookSender(ApiKeys.Client(fixture.Host, null));
        (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, soc, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();
        return vin;
    }

    [Fact]
    public async Task Get_and_resolve_answer_the_twin_with_its_readings()
    {
        var vin = await IngestAsync(77.5);
        var vehicle = await Client.GetVehicleAsync(new GetVehicleRequest { Id = vin }, Bearer(ApiKeys.ReadOnly));
        Assert.Equal(vin, vehicle.Vin);
        Assert.Equal(77.5, vehicle.StateOfCharge.Value);
        Assert.Equal("percent", vehicle.StateOfCharge.Unit);
        Assert.Equal("volteras", vehicle.StateOfCharge.Source);
        Assert.Contains($"volteras:vt-{vin}", vehicle.Aliases);
        Assert.Equal(77.5, vehicle.Twin.Fields["stateOfCharge"].StructValue.Fields["value"].NumberValue);

        var byProvider = await Client.ResolveVehicleAsync(
            new ResolveVehicleRequest { ProviderId = new ProviderId { Provider = "Volteras", Id = $"vt-{vin}" } }, Bearer(ApiKeys.ReadOnly));
        Assert.Equal(vehicle.Id, byProvider.Id);
        var byVin = await Client.ResolveVehicleAsync(new ResolveVehicleRequest { Vin = vin.ToLowerInvariant() }, Bearer(ApiKeys.ReadOnly));
        Assert.Equal(vehicle.Version, byVin.Version);

        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.GetVehicleAsync(new GetVehicleRequest { Id = "nobody-" + vin }, Bearer(ApiKeys.ReadOnly)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var invalid = await Assert.ThrowsAsync<RpcException>(() => Client.GetVehicleAsync(new GetVehicleRequest { Id = "bad id!" }, Bearer(ApiKeys.ReadOnly)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
    }

    [Fact]
    public async Task A_reading_carries_what_the_provider_sent_that_is_not_modelled()
    {
        var vin = ApiKeys.NewVin();
        var body = Encoding.UTF8.GetBytes($$"""{"metricType":"STATE_OF_CHARGE","vehicle":{"id":"vt-{{vin}}","vin":"{{vin}}"},"timestamp":"{{DateTimeOffset.UtcNow:O}}","stateOfCharge":{"unit":"percent","value":64,"quality":"estimated"},"firmware":"7.1"}""");
        (await new WebhookSender(ApiKeys.Client(fixture.Host, null)).VolterasAsync("device.telemetry", body)).EnsureSuccessStatusCode();

        var vehicle = await Client.GetVehicleAsync(new GetVehicleRequest { Id = vin }, Bearer(ApiKeys.ReadOnly));

        Assert.Equal("estimated", vehicle.StateOfCharge.Extra.Fields["stateOfCharge.quality"].StringValue);
        Assert.Equal("7.1", vehicle.StateOfCharge.Extra.Fields["firmware"].StringValue);
        Assert.Equal("7.1", vehicle.Twin.Fields["stateOfCharge"].StructValue.Fields["extra"].StructValue.Fields["firmware"].StringValue);
    }

    [Fact]
    public async Task Calls_need_a_key_with_the_scope()
    {
        var vin = await IngestAsync(50);
        var none = await Assert.ThrowsAsync<RpcException>(() => Client.GetVehicleAsync(new GetVehicleRequest { Id = vin }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        var wrong = await Assert.ThrowsAsync<RpcException>(() => Client.GetVehicleAsync(new GetVehicleRequest { Id = vin }, Bearer("wrong-key-0123456789abc")).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        var readOnly = await Assert.ThrowsAsync<RpcException>(() =>
            Client.SendCommandAsync(new SendCommandRequest { VehicleId = vin, Command = "START_CHARGING" }, Bearer(ApiKeys.ReadOnly)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, readOnly.StatusCode);
        var commandOnly = await Assert.ThrowsAsync<RpcException>(() => Client.GetVehicleAsync(new GetVehicleRequest { Id = vin }, Bearer(ApiKeys.CommandOnly)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, commandOnly.StatusCode);
    }

    [Fact]
    public async Task Commands_are_sent_once_per_idempotency_key_and_listed_with_their_history()
    {
        var vin = await IngestAsync(30);
        var arguments = new Struct { Fields = { ["limit"] = Value.ForNumber(80) } };
        var request = new SendCommandRequest { VehicleId = vin, Command = "SET_CHARGE_LIMIT", Arguments = arguments, IdempotencyKey = "k-1" };
        var sent = await Client.SendCommandAsync(request, Bearer(ApiKeys.CommandOnly));
        var again = await Client.SendCommandAsync(request, Bearer(ApiKeys.All));
        Assert.Equal(sent.Id, again.Id);
        Assert.Equal("PENDING", sent.Status);
        Assert.Equal(80, sent.Arguments.Fields["limit"].NumberValue);

        var list = await Client.ListCommandsAsync(new ListCommandsRequest { VehicleId = vin }, Bearer(ApiKeys.ReadOnly));
        var command = Assert.Single(list.Commands);
        Assert.Equal(sent.Id, command.Id);
        // This host has no dispatcher: the history says so rather than "sent".
        Assert.Equal([("PENDING", "accepted"), ("PENDING", "not dispatched: no dispatcher for volteras")], command.History.Select(h => (h.Status, h.Reason)));

        var bad = await Assert.ThrowsAsync<RpcException>(() =>
            Client.SendCommandAsync(new SendCommandRequest { VehicleId = vin, Command = "start charging" }, Bearer(ApiKeys.All)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }

    [Fact]
    public async Task Search_and_aggregates_use_the_filter_language()
    {
        var marker = 20 + (Random.Shared.Next(1, 9999) / 1000.0);
        var vins = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            vins.Add(await IngestAsync(marker));
        }

        var filter = $"soc = {marker.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        await Eventually.ReturnsAsync(
            async () => await Client.SearchVehiclesAsync(new SearchVehiclesRequest { Filter = filter }, Bearer(ApiKeys.ReadOnly)),
            p => p.Items.Count == 3, TimeSpan.FromSeconds(5), "search sees the vehicles");
        var page = await Client.SearchVehiclesAsync(new SearchVehiclesRequest { Filter = filter, Limit = 2 }, Bearer(ApiKeys.ReadOnly));
        var rest = await Client.SearchVehiclesAsync(new SearchVehiclesRequest { Filter = filter, Limit = 2, Cursor = page.NextCursor }, Bearer(ApiKeys.ReadOnly));
        Assert.Equal(vins.Order(StringComparer.Ordinal), page.Items.Concat(rest.Items).Select(v => v.Id));
        Assert.Equal("", rest.NextCursor);
        Assert.Equal(marker, page.Items[0].Soc);

        var aggregates = await Client.GetFleetAggregatesAsync(new GetFleetAggregatesRequest { Filter = filter }, Bearer(ApiKeys.ReadOnly));
        Assert.Equal(3, aggregates.Count);

        var bad = await Assert.ThrowsAsync<RpcException>(() =>
            Client.SearchVehiclesAsync(new SearchVehiclesRequest { Filter = "soc <" }, Bearer(ApiKeys.ReadOnly)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Contains("at 6", bad.Status.Detail);
    }

    [Fact]
    public async Task WatchVehicle_streams_the_twin_then_each_change_and_notification()
    {
        var vin = await IngestAsync(55);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = Client.WatchVehicle(new WatchVehicleRequest { Id = vin }, Bearer(ApiKeys.ReadOnly), cancellationToken: cancel.Token);
        Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        var first = call.ResponseStream.Current.Twin;
        Assert.Equal(55, first.StateOfCharge.Value);

        await new WebhookSender(ApiKeys.Client(fixture.Host, null))
            .VolterasAsync("device.telemetry", ApiKeys.ChargingState(vin, "CHARGING", DateTimeOffset.UtcNow));
        Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        var changed = call.ResponseStream.Current.Twin;
        Assert.Equal(first.Version + 1, changed.Version);
        Assert.Equal("CHARGING", changed.Charging.State);
        Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal("charging-started", call.ResponseStream.Current.Notification.Type);
    }

    [Fact]
    public async Task Server_reflection_lists_the_service()
    {
        var reflection = new ServerReflection.ServerReflectionClient(channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Contains("fleettwins.v1.VehicleTwins", call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
    }

    [Fact]
    public async Task GetHistory_and_ListTrips_answer_what_the_journal_holds_and_reject_bad_windows()
    {
        var vin = ApiKeys.NewVin();
        var sender = new WebhookSender(ApiKeys.Client(fixture.Host, null));
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var stop = start.AddMinutes(35);
        foreach (var (soc, minute) in new[] { (80.0, 0), (75.0, 20), (78.0, 10) })
        {
            (await sender.VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, soc, start.AddMinutes(minute)))).EnsureSuccessStatusCode();
        }

        (await sender.VolterasAsync("device.telemetry", HistoryApiTests.Location(vin, 37.78, -122.41, start.AddMinutes(5)))).EnsureSuccessStatusCode();
        (await sender.VolterasAsync("journey.updated", HistoryApiTests.Journey(vin, $"j-{vin}", start, stop))).EnsureSuccessStatusCode();

        var first = await Client.GetHistoryAsync(new GetHistoryRequest { VehicleId = vin, Reading = "stateOfCharge", Limit = 2 }, Bearer(ApiKeys.ReadOnly));
        Assert.Equal([80.0, 78.0], first.Items.Select(i => i.Value));
        Assert.NotEmpty(first.NextCursor);
        var rest = await Client.GetHistoryAsync(
            new GetHistoryRequest { VehicleId = vin, Reading = "stateOfCharge", Limit = 2, Cursor = first.NextCursor }, Bearer(ApiKeys.ReadOnly));
        Assert.Equal([75.0], rest.Items.Select(i => i.Value));
        Assert.Empty(rest.NextCursor);
        Assert.Equal([true, false], first.Items.Select(i => i.Applied)); // 78 (minute 10) arrived after 75 (minute 20)

        var trips = await Client.ListTripsAsync(new ListTripsRequest { VehicleId = vin, IncludeTrack = true }, Bearer(ApiKeys.ReadOnly));
        var trip = Assert.Single(trips.Trips);
        Assert.Equal((25.5, 5.2, 8.0), (trip.DistanceKm, trip.EnergyUsedKwh, trip.SocUsed));
        Assert.Equal([(37.78, -122.41)], trip.Track.Select(p => (p.Latitude, p.Longitude)));

        var tooLong = await Assert.ThrowsAsync<RpcException>(() => Client.GetHistoryAsync(new GetHistoryRequest
        {
            VehicleId = vin,
            Reading = "stateOfCharge",
            From = Timestamp.FromDateTimeOffset(start.AddDays(-60)),
            To = Timestamp.FromDateTimeOffset(start),
        }, Bearer(ApiKeys.ReadOnly)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, tooLong.StatusCode);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Client.GetHistoryAsync(
            new GetHistoryRequest { VehicleId = vin, Reading = "nonsense" }, Bearer(ApiKeys.ReadOnly)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.ListTripsAsync(
            new ListTripsRequest { VehicleId = "nobody-" + vin }, Bearer(ApiKeys.ReadOnly)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }
}
