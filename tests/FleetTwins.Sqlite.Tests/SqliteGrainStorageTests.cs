using FleetTwins.Sqlite.Storage;
using Orleans.Storage;

namespace FleetTwins.Sqlite.Tests;

public sealed class SqliteGrainStorageTests
{
    private static readonly GrainId Twin = GrainId.Create("vehicle", "WBY11CF080CH47000");

    [Fact]
    public async Task A_written_state_is_read_back_after_a_restart_with_its_version()
    {
        await using var file = new DataFile();
        var state = new GrainState<string> { State = "soc 81" };
        await Storage(file).WriteStateAsync("vehicle", Twin, state);
        Assert.Equal("1", state.ETag);
        await Storage(file).WriteStateAsync("vehicle", Twin, state with { State = "soc 82" });

        await file.ReopenAsync();
        var read = new GrainState<string>();
        await Storage(file).ReadStateAsync("vehicle", Twin, read);
        Assert.True(read.RecordExists);
        Assert.Equal("soc 82", read.State);
        Assert.Equal("2", read.ETag);
    }

    [Fact]
    public async Task A_write_from_a_stale_version_fails_and_changes_nothing()
    {
        await using var file = new DataFile();
        var first = new GrainState<string> { State = "a" };
        await Storage(file).WriteStateAsync("vehicle", Twin, first);
        var second = new GrainState<string> { State = "b", ETag = first.ETag };
        await Storage(file).WriteStateAsync("vehicle", Twin, second);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage(file).WriteStateAsync("vehicle", Twin, first with { State = "stale" }));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage(file).WriteStateAsync("vehicle", Twin, new GrainState<string> { State = "new" }));
        var read = new GrainState<string>();
        await Storage(file).ReadStateAsync("vehicle", Twin, read);
        Assert.Equal("b", read.State);
    }

    [Fact]
    public async Task Many_grains_written_at_once_are_each_stored_in_few_commits()
    {
        await using var file = new DataFile();
        var storage = Storage(file);
        var before = file.Database.Commits;
        var states = Enumerable.Range(0, 300).Select(n => (Id: GrainId.Create("vehicle", $"twin-{n}"), State: new GrainState<string> { State = $"state {n}" })).ToList();
        await Task.WhenAll(states.Select(s => storage.WriteStateAsync("vehicle", s.Id, s.State)));
        Assert.InRange(file.Database.Commits - before, 1, 150);
        foreach (var (id, state) in states)
        {
            var read = new GrainState<string>();
            await storage.ReadStateAsync("vehicle", id, read);
            Assert.Equal(state.State, read.State);
        }
    }

    [Fact]
    public async Task A_cleared_state_is_gone_and_a_stale_clear_fails()
    {
        await using var file = new DataFile();
        var state = new GrainState<string> { State = "x" };
        await Storage(file).WriteStateAsync("alias", Twin, state);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage(file).ClearStateAsync("alias", Twin, new GrainState<string> { ETag = "9" }));
        await Storage(file).ClearStateAsync("alias", Twin, state);
        var read = new GrainState<string>();
        await Storage(file).ReadStateAsync("alias", Twin, read);
        Assert.False(read.RecordExists);
        Assert.Null(state.ETag);
    }

    [Fact]
    public async Task States_of_one_grain_under_two_names_are_kept_apart()
    {
        await using var file = new DataFile();
        await Storage(file).WriteStateAsync("vehicle", Twin, new GrainState<string> { State = "twin" });
        await Storage(file).WriteStateAsync("charger", Twin, new GrainState<string> { State = "charger" });
        var read = new GrainState<string>();
        await Storage(file).ReadStateAsync("vehicle", Twin, read);
        Assert.Equal("twin", read.State);
    }

    private static SqliteGrainStorage Storage(DataFile file) => new(file.Database, DataFile.Serializer, TimeProvider.System);
}

/// <summary>A grain state as Orleans hands it to storage.</summary>
internal sealed record GrainState<T> : IGrainState<T>
{
    [System.Diagnostics.CodeAnalysis.AllowNull]
    public T State { get; set; } = default!;

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}
