using FleetTwins.Persistence.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace FleetTwins.Persistence.Tests;

public sealed class InProcessGrainStorageTests
{
    private static readonly GrainId Grain = GrainId.Create("vehicle", "car-1");

    private readonly InProcessGrainStorage storage = new(new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<DeepCopier>());

    [Fact]
    public async Task A_write_is_read_back_as_a_copy_with_a_new_version()
    {
        var written = new GrainState<List<string>>(["a"]);
        await storage.WriteStateAsync("vehicle", Grain, written);
        written.State!.Add("changed after the write, never written");

        var read = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("vehicle", Grain, read);

        Assert.Equal(["a"], read.State);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        await storage.WriteStateAsync("vehicle", Grain, read);
        Assert.NotEqual(written.ETag, read.ETag);
    }

    [Fact]
    public async Task A_write_from_a_stale_version_is_refused_and_changes_nothing()
    {
        var first = new GrainState<List<string>>(["a"]);
        await storage.WriteStateAsync("vehicle", Grain, first);
        var stale = new GrainState<List<string>>(["b"]) { ETag = null };

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("vehicle", Grain, stale));

        var read = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("vehicle", Grain, read);
        Assert.Equal(["a"], read.State);
    }

    [Fact]
    public async Task Cleared_state_is_gone_and_states_are_kept_per_name()
    {
        var vehicle = new GrainState<List<string>>(["a"]);
        var other = new GrainState<List<string>>(["b"]);
        await storage.WriteStateAsync("vehicle", Grain, vehicle);
        await storage.WriteStateAsync("other", Grain, other);

        await storage.ClearStateAsync("vehicle", Grain, vehicle);

        var read = new GrainState<List<string>>([]);
        await storage.ReadStateAsync("vehicle", Grain, read);
        Assert.False(read.RecordExists);
        await storage.ReadStateAsync("other", Grain, read);
        Assert.Equal(["b"], read.State);
    }
}
