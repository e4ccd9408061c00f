using System.Text.Json;
using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.History;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Vehicles;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FleetTwins.Grains.Tests.Vehicles;

/// <summary>
/// What operators say about a vehicle (name, plate, group, tags, battery capacity, notes): a merge patch applied purely,
/// journaled like a delivery, replayed on activation from an older snapshot, in the twin's history, and beside (never
/// over) what a provider reports.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MasterDataTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(VehicleTwinState).Assembly).AddAssembly(typeof(VehicleTwin).Assembly))
        .BuildServiceProvider().GetRequiredService<Serializer>();

    private static readonly MasterDataPatch Van = new(
        MasterDataMembers.Name | MasterDataMembers.Plate | MasterDataMembers.Group | MasterDataMembers.Tags | MasterDataMembers.BatteryCapacityKwh,
        Name: "Van 12", Plate: "B-FT 123", Group: "vans", Tags: ["depot-a", "night"], BatteryCapacityKwh: 75);

    [Fact]
    public void A_patch_sets_the_members_it_names_clears_those_it_sets_null_and_keeps_the_rest()
    {
        var set = Van.ApplyTo(null, T0)!;
        Assert.Equal(("Van 12", "B-FT 123", "vans", 75.0, (string?)null), (set.Name, set.Plate, set.Group, set.BatteryCapacityKwh!.Value, set.Notes));
        Assert.Equal(["depot-a", "night"], set.Tags);

        var later = new MasterDataPatch(MasterDataMembers.Plate | MasterDataMembers.Notes, Plate: null, Notes: "new tyres").ApplyTo(set, T0.AddHours(1))!;
        Assert.Null(later.Plate);
        Assert.Equal(("Van 12", "vans", "new tyres", T0.AddHours(1)), (later.Name, later.Group, later.Notes, later.At));
        Assert.Equal(["depot-a", "night"], later.Tags);

        Assert.False(new MasterDataPatch(MasterDataMembers.None).Changes(set));
        Assert.False(new MasterDataPatch(MasterDataMembers.Group, Group: "vans").Changes(set));
        Assert.True(new MasterDataPatch(MasterDataMembers.Tags, Tags: ["night"]).Changes(set));

        var everything = MasterDataMembers.Name | MasterDataMembers.Plate | MasterDataMembers.Group | MasterDataMembers.Tags
            | MasterDataMembers.BatteryCapacityKwh | MasterDataMembers.Notes;
        Assert.Null(new MasterDataPatch(everything, Tags: []).ApplyTo(later, T0.AddHours(2)));
        Assert.Equal("plate=null; notes=new tyres", new MasterDataPatch(MasterDataMembers.Plate | MasterDataMembers.Notes, Notes: "new tyres").Describe());
    }

    [Fact]
    public void The_operators_fields_sit_beside_the_providers_reading_and_search_falls_back_to_it()
    {
        var state = new VehicleTwinState();
        state.Apply(new MasterDataReported("BMW", "i3", "Blue one", "M-AB 1", 2020, "DE", "BEV") { At = T0 }, Sources.Telematica);
        state.Touch(T0);
        Assert.Equal(("Blue one", "M-AB 1"), (state.ToSummary("car").Name, state.ToSummary("car").Plate));

        state.Replay("car", new MasterDataSet(Van, T0.AddMinutes(5), "key:1"), new NotificationOptions());
        state.Apply(new MasterDataReported(null, null, "Renamed by the app", "M-AB 2", null, null, null) { At = T0.AddMinutes(10) }, Sources.Telematica);

        var view = state.ToSnapshot("car").MasterData!;
        // The provider's reading goes on (its nickname, its registration), the operators' values stand beside it.
        Assert.Equal(("BMW", "Renamed by the app", "M-AB 2", T0.AddMinutes(10), Sources.Telematica), (view.Make, view.Nickname, view.Registration, view.At, view.Source));
        Assert.Equal(("Van 12", "B-FT 123", "vans", 75.0, T0.AddMinutes(5)), (view.Name, view.Plate, view.Group, view.BatteryCapacityKwh!.Value, view.SetAt!.Value));
        var summary = state.ToSummary("car");
        Assert.Equal(("Van 12", "B-FT 123", "vans"), (summary.Name, summary.Plate, summary.Group));
        Assert.Equal(["depot-a", "night"], summary.Tags);

        var bare = new VehicleTwinState();
        bare.Touch(T0);
        bare.Replay("bare", new MasterDataSet(Van, T0.AddMinutes(1), null), new NotificationOptions());
        var own = bare.ToSnapshot("bare").MasterData!;
        Assert.Equal((null, Sources.Api, T0.AddMinutes(1), "B-FT 123"), (own.Make, own.Source, own.At, own.Plate));
    }

    [Fact]
    public async Task Master_data_set_through_the_twin_is_journaled_replayed_from_an_older_snapshot_and_in_its_history()
    {
        var id = $"md-{Guid.NewGuid():N}";
        var twin = fixture.Client.GetGrain<IVehicleTwinGrain>(id);
        var identity = new VehicleIdentity(null, [$"imei:{Guid.NewGuid():N}"[..20]]);
        Assert.Null(await twin.SetMasterDataAsync(Van, "key:1"));
        Assert.Equal(ApplyOutcome.Applied, await twin.ApplyAsync(new TwinEventBatch<VehicleEvent>($"md-{id}-0", Sources.Tracker,
            [new StateOfChargeReported(40) { At = T0 }]), identity));

        var storage = ((InProcessSiloHandle)fixture.Cluster.Silos[0]).ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Twins);
        var grainId = GrainId.Create("vehicle", id);
        var stored = new GrainState<VehicleTwinState>(new VehicleTwinState());
        await storage.ReadStateAsync("vehicle", grainId, stored);
        var oldSnapshot = Serializer.SerializeToArray(stored.State!);
        Assert.Null(stored.State!.OperatorMasterData);

        var set = await twin.SetMasterDataAsync(Van, "key:1");
        var unchanged = await twin.SetMasterDataAsync(Van with { Present = MasterDataMembers.Group }, "key:1");
        var cleared = await twin.SetMasterDataAsync(new MasterDataPatch(MasterDataMembers.BatteryCapacityKwh | MasterDataMembers.Notes, Notes: "spare key in the office"), "key:2");
        Assert.Equal("B-FT 123", set!.MasterData!.Plate);
        Assert.Equal(set.Version, unchanged!.Version); // nothing changed: nothing written
        Assert.Null(cleared!.MasterData!.BatteryCapacityKwh);
        Assert.Equal(["depot-a", "night"], cleared.MasterData.Tags);

        // As if the silo died before the next snapshot: the changes are only in the journal.
        await fixture.Cluster.DeactivateAsync(twin);
        var latest = new GrainState<VehicleTwinState>(new VehicleTwinState());
        await storage.ReadStateAsync("vehicle", grainId, latest);
        latest.State = Serializer.Deserialize<VehicleTwinState>(oldSnapshot)!;
        await storage.WriteStateAsync("vehicle", grainId, latest);

        var after = await twin.GetAsync();
        Assert.Equal(JsonSerializer.Serialize(cleared, Json), JsonSerializer.Serialize(after, Json));

        var history = await fixture.Client.GetGrain<IVehicleHistoryGrain>(id)
            .GetHistoryAsync(new HistoryQuery(HistoryReadings.MasterData, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10, null));
        Assert.Equal(["name=Van 12; plate=B-FT 123; group=vans; tags=depot-a,night; batteryCapacityKwh=75", "batteryCapacityKwh=null; notes=spare key in the office"],
            history.Items.Select(p => p.State));
        Assert.All(history.Items, p => Assert.Equal((Sources.Api, true), (p.Source, p.Applied)));
    }
}
